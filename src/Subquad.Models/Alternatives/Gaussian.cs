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

    /// <summary>
    /// The N(0, 1) draw number <paramref name="index"/> of stream <paramref name="seed"/>, counter-based (two SplitMix64
    /// outputs through Box-Muller), so any entry of a huge random matrix can be generated where it is used, in any order,
    /// without storing the matrix.
    /// </summary>
    public static double At(int seed, long index)
    {
        ulong key = unchecked(((ulong)(uint)seed << 32) ^ (ulong)index * 0x9E3779B97F4A7C15UL);
        double u1 = 1.0 - ((SplitMix(key) >> 11) * (1.0 / (1UL << 53)));
        double u2 = (SplitMix(key ^ 0xD1B54A32D192ED03UL) >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong SplitMix(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
