namespace Subquad.Models.Alternatives;

/// <summary>
/// Seeded standard-normal draws (Box-Muller over <see cref="Random"/>, whose seeded sequence .NET keeps stable), so
/// every random projection, rotation and feature matrix is reproducible from its seed.
/// </summary>
internal sealed class Gaussian(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>The underlying uniform source (for k-means initialisation and uniform weights).</summary>
    public Random Uniform => _random;

    /// <summary>One N(0, 1) draw.</summary>
    public double Next()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A rows x columns matrix of N(0, scale^2) draws, row-major.</summary>
    public Attention.Matrix Matrix(int rows, int columns, double scale = 1.0)
    {
        var m = new Attention.Matrix(rows, columns);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = scale * Next();
        return m;
    }
}
