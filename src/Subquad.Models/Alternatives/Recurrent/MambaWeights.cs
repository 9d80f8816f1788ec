using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>
/// The parameters of one Mamba-1 mixer (mamba_simple.Mamba; ALTERNATIVES.md 3.1) for model width D: E = expand D,
/// R = ceil(D/16), N state size, d_conv conv width. Names follow the reference. They are initialised here exactly as
/// the reference initialises them (not trained): Mamba has no trained weights in Subquad, so these exist to test the
/// forms against each other and to measure cost, never to produce answers presented as results.
/// </summary>
public sealed class MambaWeights
{
    private MambaWeights(int modelWidth, int stateSize, int convWidth, int expand)
    {
        ModelWidth = modelWidth;
        StateSize = stateSize;
        ConvWidth = convWidth;
        Inner = expand * modelWidth;
        DtRank = (modelWidth + 15) / 16;
        InProj = new Matrix(2 * Inner, modelWidth);
        ConvWeight = new Matrix(Inner, convWidth);
        ConvBias = new double[Inner];
        XProj = new Matrix(DtRank + (2 * stateSize), Inner);
        DtProj = new Matrix(Inner, DtRank);
        DtBias = new double[Inner];
        ALog = new Matrix(Inner, stateSize);
        D = new double[Inner];
        OutProj = new Matrix(modelWidth, Inner);
    }

    /// <summary>D, the model width.</summary>
    public int ModelWidth { get; }

    /// <summary>N, the SSM state size per channel.</summary>
    public int StateSize { get; }

    /// <summary>d_conv.</summary>
    public int ConvWidth { get; }

    /// <summary>E = expand D.</summary>
    public int Inner { get; }

    /// <summary>R = ceil(D/16).</summary>
    public int DtRank { get; }

    /// <summary>in_proj: 2E x D (rows 0..E-1 give x, E..2E-1 give z).</summary>
    public Matrix InProj { get; }

    /// <summary>conv1d weight, E x d_conv (depthwise).</summary>
    public Matrix ConvWeight { get; }

    /// <summary>conv1d bias, E.</summary>
    public double[] ConvBias { get; }

    /// <summary>x_proj: (R + 2N) x E, output order [delta_low | B | C].</summary>
    public Matrix XProj { get; }

    /// <summary>dt_proj weight: E x R.</summary>
    public Matrix DtProj { get; }

    /// <summary>dt_proj bias (added inside softplus), E.</summary>
    public double[] DtBias { get; }

    /// <summary>A_log, E x N; A = -exp(A_log).</summary>
    public Matrix ALog { get; }

    /// <summary>The skip D, E.</summary>
    public double[] D { get; }

    /// <summary>out_proj: D x E.</summary>
    public Matrix OutProj { get; }

    /// <summary>
    /// The reference initialisation from <paramref name="seed"/>: Linear layers U(+-1/sqrt(fan_in)) (PyTorch's default),
    /// conv U(+-1/sqrt(d_conv)), dt_proj.weight U(+-R^-0.5), dt = exp(U[ln 1e-3, ln 0.1]) clamped to &gt;= 1e-4 and
    /// dt_proj.bias = dt + ln(-expm1(-dt)) (inverse softplus), A_log = ln(1..N) (S4D-real), D = 1.
    /// </summary>
    public static MambaWeights Initialise(int modelWidth, int seed, int stateSize = 16, int convWidth = 4, int expand = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modelWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stateSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(convWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(expand, 1);
        var w = new MambaWeights(modelWidth, stateSize, convWidth, expand);
        var random = new Random(seed);
        Uniform(random, w.InProj.Data, 1.0 / Math.Sqrt(modelWidth));
        Uniform(random, w.ConvWeight.Data, 1.0 / Math.Sqrt(convWidth));
        Uniform(random, w.ConvBias, 1.0 / Math.Sqrt(convWidth));
        Uniform(random, w.XProj.Data, 1.0 / Math.Sqrt(w.Inner));
        Uniform(random, w.DtProj.Data, 1.0 / Math.Sqrt(w.DtRank));
        for (int c = 0; c < w.Inner; c++)
        {
            double dt = Math.Exp(Math.Log(1e-3) + (random.NextDouble() * (Math.Log(0.1) - Math.Log(1e-3))));
            dt = Math.Max(dt, 1e-4);
            w.DtBias[c] = dt + Math.Log(-ExpM1(-dt));
            w.D[c] = 1;
            for (int n = 0; n < stateSize; n++) w.ALog[c, n] = Math.Log(n + 1);
        }

        Uniform(random, w.OutProj.Data, 1.0 / Math.Sqrt(w.Inner));
        return w;
    }

    private static void Uniform(Random random, double[] values, double bound)
    {
        for (int i = 0; i < values.Length; i++) values[i] = bound * ((2 * random.NextDouble()) - 1);
    }

    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;
}
