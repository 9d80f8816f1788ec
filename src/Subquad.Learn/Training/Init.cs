using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Training;

/// <summary>
/// Seeded initialisation. Every parameter is drawn from one <see cref="Random"/> in construction order, so a model is
/// a function of its configuration and seed.
/// </summary>
public sealed class Init(int seed)
{
    private readonly Random _rng = new(seed);

    /// <summary>The generator (for schemes with their own shape, like Mamba's Δ bias).</summary>
    public Random Random => _rng;

    /// <summary>U(-bound, bound).</summary>
    public Tensor Uniform(string name, int rows, int cols, double bound)
    {
        var t = new Tensor(rows, cols, requiresGrad: true, name: name);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (Real)((_rng.NextDouble() * 2 - 1) * bound);
        return t;
    }

    /// <summary>A linear weight [in, out] as PyTorch's default: U(±1/√in).</summary>
    public Tensor LinearWeight(string name, int fanIn, int fanOut) => Uniform(name, fanIn, fanOut, 1 / Math.Sqrt(fanIn));

    /// <summary>N(0, std²).</summary>
    public Tensor Normal(string name, int rows, int cols, double std)
    {
        var t = new Tensor(rows, cols, requiresGrad: true, name: name);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (Real)(std * Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble()));
        return t;
    }

    /// <summary>Every entry equal to <paramref name="value"/>.</summary>
    public static Tensor Constant(string name, int rows, int cols, Real value)
    {
        var t = new Tensor(rows, cols, requiresGrad: true, name: name);
        Array.Fill(t.Data, value);
        return t;
    }
}
