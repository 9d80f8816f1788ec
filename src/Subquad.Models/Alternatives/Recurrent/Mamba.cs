using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>
/// The Mamba-1 selective SSM mixer (S6; ALTERNATIVES.md 3.1) in float64, in two forms tested equal to each other and
/// to the sequential oracle (Reference.SelectiveScanReference):
/// <see cref="Forward"/> computes every projection for the whole sequence and runs the scan h_t = A_t h_{t-1} + b_t as
/// a parallel prefix scan (Hillis-Steele doubling over the associative pairs (A, b)), and <see cref="Step"/> is the
/// recurrent step over a <see cref="MambaState"/>.
/// </summary>
/// <remarks>
/// Discretisation as in the Mamba-1 reference: A_bar = exp(Delta A) (zero-order hold on A), B_bar x = Delta B x (Euler on
/// B). dt_proj's bias is added inside softplus. Output y = (sum_n h C + D x) * SiLU(z), then out_proj. State:
/// E N + E (d_conv - 1) numbers; bits at <see cref="BitsPerNumber"/> (32: the reference keeps the state in fp32).
/// </remarks>
public sealed class Mamba : ISequenceMixer
{
    /// <summary>A Mamba mixer with these weights.</summary>
    public Mamba(MambaWeights weights, int bitsPerNumber = 32)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerNumber, 1);
        Weights = weights;
        BitsPerNumber = bitsPerNumber;

        // A = -exp(A_log), once: the weights are not changed after construction, and exp per token per state dominated the step.
        _a = new Matrix(weights.Inner, weights.StateSize);
        for (int i = 0; i < _a.Data.Length; i++) _a.Data[i] = -Math.Exp(weights.ALog.Data[i]);
    }

    private readonly Matrix _a;

    /// <summary>The parameters.</summary>
    public MambaWeights Weights { get; }

    /// <summary>Bits per state number for <see cref="Cost"/>.</summary>
    public int BitsPerNumber { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"mamba(D={Weights.ModelWidth},N={Weights.StateSize},E={Weights.Inner})");

    /// <summary>Per-token quantities before the scan: conv-activated x, gate z, Delta, B, C (steps 1-4).</summary>
    internal readonly record struct Projected(Matrix X, Matrix Z, Matrix Delta, Matrix B, Matrix C);

    /// <summary>Steps 1-4 for a whole sequence u (L x D).</summary>
    internal static Projected Project(MambaWeights w, Matrix u)
    {
        if (u.Columns != w.ModelWidth) throw new ArgumentException($"u has {u.Columns} columns but the model width is {w.ModelWidth}", nameof(u));
        int length = u.Rows, e = w.Inner;
        var xRaw = new Matrix(length, e);
        var z = new Matrix(length, e);
        for (int t = 0; t < length; t++) InProject(w, u.Row(t), xRaw.Row(t), z.Row(t));

        var x = new Matrix(length, e);
        for (int t = 0; t < length; t++)
        {
            for (int c = 0; c < e; c++)
            {
                // x'_t = b + sum_k w_k x_{t-(d_conv-1)+k}, x_{<0} = 0 (causal conv, output truncated to L).
                double sum = w.ConvBias[c];
                for (int k = 0; k < w.ConvWidth; k++)
                {
                    int s = t - (w.ConvWidth - 1) + k;
                    if (s >= 0) sum += w.ConvWeight[c, k] * xRaw[s, c];
                }

                x[t, c] = Silu(sum);
            }
        }

        var delta = new Matrix(length, e);
        var b = new Matrix(length, w.StateSize);
        var cMatrix = new Matrix(length, w.StateSize);
        for (int t = 0; t < length; t++) SelectiveParameters(w, x.Row(t), delta.Row(t), b.Row(t), cMatrix.Row(t));
        return new Projected(x, z, delta, b, cMatrix);
    }

    internal static void InProject(MambaWeights w, ReadOnlySpan<double> ut, Span<double> x, Span<double> z)
    {
        int e = w.Inner;
        for (int c = 0; c < e; c++)
        {
            x[c] = AttentionAlgebra.Dot(w.InProj.Row(c), ut);
            z[c] = AttentionAlgebra.Dot(w.InProj.Row(e + c), ut);
        }
    }

    internal static void SelectiveParameters(MambaWeights w, ReadOnlySpan<double> xt, Span<double> delta, Span<double> b, Span<double> c)
    {
        int r = w.DtRank, n = w.StateSize;
        Span<double> dbc = stackalloc double[r + (2 * n)];
        for (int o = 0; o < dbc.Length; o++) dbc[o] = AttentionAlgebra.Dot(w.XProj.Row(o), xt);
        for (int ch = 0; ch < w.Inner; ch++)
        {
            double pre = w.DtBias[ch];
            var row = w.DtProj.Row(ch);
            for (int k = 0; k < r; k++) pre += row[k] * dbc[k];
            delta[ch] = Softplus(pre);
        }

        dbc.Slice(r, n).CopyTo(b);
        dbc.Slice(r + n, n).CopyTo(c);
    }

    /// <summary>Steps 6 (readout) to 8 for one token, given h_t: y = (h C + D x) SiLU(z), then out_proj.</summary>
    internal static void Readout(MambaWeights w, Matrix h, ReadOnlySpan<double> x, ReadOnlySpan<double> z, ReadOnlySpan<double> cT, Span<double> output)
    {
        int e = w.Inner;
        Span<double> gated = e <= 1024 ? stackalloc double[e] : new double[e];
        for (int ch = 0; ch < e; ch++)
        {
            double y = AttentionAlgebra.Dot(h.Row(ch), cT) + (w.D[ch] * x[ch]);
            gated[ch] = y * Silu(z[ch]);
        }

        for (int o = 0; o < w.ModelWidth; o++) output[o] = AttentionAlgebra.Dot(w.OutProj.Row(o), gated);
    }

    /// <summary>The parallel form: all projections at once, then a parallel prefix scan over time per (channel, state).</summary>
    public Matrix Forward(Matrix x, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        var w = Weights;
        var p = Project(w, x);
        int length = x.Rows, e = w.Inner, n = w.StateSize;

        // hs[t] holds h_t (E x N) after the scan. Pairs (a, b) with h_t = a_t h_{t-1} + b_t compose associatively:
        // (a1, b1) then (a2, b2) = (a1 a2, a2 b1 + b2). Hillis-Steele: log2 L doubling rounds.
        var a = new double[length][];
        var bs = new double[length][];
        for (int t = 0; t < length; t++)
        {
            a[t] = new double[e * n];
            bs[t] = new double[e * n];
            for (int ch = 0; ch < e; ch++)
            {
                double dt = p.Delta[t, ch], xt = p.X[t, ch];
                for (int s = 0; s < n; s++)
                {
                    a[t][(ch * n) + s] = Math.Exp(dt * _a[ch, s]);
                    bs[t][(ch * n) + s] = dt * p.B[t, s] * xt;
                }
            }
        }

        for (int offset = 1; offset < length; offset *= 2)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var nextA = new double[length][];
            var nextB = new double[length][];
            for (int t = 0; t < length; t++)
            {
                if (t < offset)
                {
                    nextA[t] = a[t];
                    nextB[t] = bs[t];
                    continue;
                }

                var na = new double[e * n];
                var nb = new double[e * n];
                var a1 = a[t - offset];
                var b1 = bs[t - offset];
                var a2 = a[t];
                var b2 = bs[t];
                for (int k = 0; k < na.Length; k++)
                {
                    na[k] = a1[k] * a2[k];
                    nb[k] = (a2[k] * b1[k]) + b2[k];
                }

                nextA[t] = na;
                nextB[t] = nb;
            }

            a = nextA;
            bs = nextB;
        }

        var output = new Matrix(length, w.ModelWidth);
        for (int t = 0; t < length; t++)
        {
            var h = new Matrix(e, n, bs[t]);
            Readout(w, h, p.X.Row(t), p.Z.Row(t), p.C.Row(t), output.Row(t));
        }

        return output;
    }

    /// <summary>The recurrent step: consumes u_t (D values), updates <paramref name="state"/>, writes y_t (D values).</summary>
    public void Step(MambaState state, ReadOnlySpan<double> ut, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        var w = Weights;
        int e = w.Inner, n = w.StateSize, history = w.ConvWidth - 1;
        Span<double> xRaw = stackalloc double[e];
        Span<double> z = stackalloc double[e];
        InProject(w, ut, xRaw, z);
        Span<double> x = stackalloc double[e];
        for (int ch = 0; ch < e; ch++)
        {
            double sum = w.ConvBias[ch];
            for (int k = 0; k < history; k++) sum += w.ConvWeight[ch, k] * state.ConvInputs[ch, k];
            sum += w.ConvWeight[ch, history] * xRaw[ch];
            x[ch] = Silu(sum);

            // Roll the conv inputs: drop the oldest, append this token's raw x.
            for (int k = 0; k + 1 < history; k++) state.ConvInputs[ch, k] = state.ConvInputs[ch, k + 1];
            if (history > 0) state.ConvInputs[ch, history - 1] = xRaw[ch];
        }

        Span<double> delta = stackalloc double[e];
        Span<double> b = stackalloc double[n];
        Span<double> c = stackalloc double[n];
        SelectiveParameters(w, x, delta, b, c);
        for (int ch = 0; ch < e; ch++)
        {
            var h = state.H.Row(ch);
            var a = _a.Row(ch);
            for (int s = 0; s < n; s++) h[s] = (Math.Exp(delta[ch] * a[s]) * h[s]) + (delta[ch] * b[s] * x[ch]);
        }

        Readout(w, state.H, x, z, c, output);
    }

    /// <summary>Runs <see cref="Step"/> over the whole sequence from a zero state.</summary>
    public Matrix ForwardStepwise(Matrix u)
    {
        ArgumentNullException.ThrowIfNull(u);
        var state = new MambaState(Weights);
        var output = new Matrix(u.Rows, Weights.ModelWidth);
        for (int t = 0; t < u.Rows; t++) Step(state, u.Row(t), output.Row(t));
        return output;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int length)
    {
        var w = Weights;
        double d = w.ModelWidth, e = w.Inner, n = w.StateSize, r = w.DtRank;
        double perToken = (2 * d * 2 * e) + (2 * e * w.ConvWidth) + (4 * e) + (2 * e * (r + (2 * n))) + (2 * r * e) + (3 * e)
            + (e * n * 6) + (2 * e * n) + (2 * e) + (5 * e) + (2 * e * d);
        long numbers = new MambaState(w).Numbers;
        return new(perToken * length, numbers, numbers * BitsPerNumber);
    }

    internal static double Silu(double v) => v / (1 + Math.Exp(-v));

    internal static double Softplus(double v) => v > 20 ? v : Math.Log(1 + Math.Exp(v));
}
