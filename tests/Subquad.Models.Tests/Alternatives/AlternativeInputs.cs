using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Alternatives;

/// <summary>Seeded random inputs for the mixer tests: Gaussian X and weights, and OV-construction-shaped inputs.</summary>
internal static class AlternativeInputs
{
    public static Matrix Gaussian(Random random, int rows, int columns, double scale)
    {
        var m = new Matrix(rows, columns);
        for (int i = 0; i < m.Data.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            m.Data[i] = scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return m;
    }

    /// <summary>X (n x dIn) and weights with scores of moderate size.</summary>
    public static (Matrix X, AttentionWeights Weights) Random(int seed, int n, int dIn = 5, int m = 6, int dOut = 3, double scale = 0.6)
    {
        var random = new Random(seed);
        var x = Gaussian(random, n, dIn, 1.0);
        var q = Gaussian(random, dIn, m, scale);
        var k = Gaussian(random, dIn, m, scale);
        var v = Gaussian(random, dIn, dOut, 1.0);
        return (x, new AttentionWeights(q, k, v));
    }

    /// <summary>The Thm 4.1 OV shape: binary rows plus a zero sentinel, Q = -lambda [I|0], K = [I|0], V = 1.</summary>
    public static (Matrix X, AttentionWeights Weights) OvShaped(int seed, int n, int l, double density = 0.5)
    {
        var random = new Random(seed);
        var x = new Matrix(n + 1, l);
        for (int i = 0; i < n; i++) for (int a = 0; a < l; a++) x[i, a] = random.NextDouble() < density ? 1 : 0;
        double lambda = Math.Log(4.0 * n * (n + 1) * l) + 1;
        var q = new Matrix(l, l + 1);
        var k = new Matrix(l, l + 1);
        var v = new Matrix(l, 1);
        for (int a = 0; a < l; a++)
        {
            q[a, a] = -lambda;
            k[a, a] = 1;
            v[a, 0] = 1;
        }

        return (x, new AttentionWeights(q, k, v));
    }

    public static void AssertClose(Matrix expected, Matrix actual, double tolerance)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Columns, actual.Columns);
        for (int i = 0; i < expected.Data.Length; i++)
        {
            double e = expected.Data[i], a = actual.Data[i];
            Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"entry {i} (row {i / expected.Columns}): expected {e:R}, got {a:R}");
        }
    }

    public static double MaxRelativeError(Matrix expected, Matrix actual)
    {
        double worst = 0;
        for (int i = 0; i < expected.Data.Length; i++) worst = Math.Max(worst, Math.Abs(expected.Data[i] - actual.Data[i]) / Math.Max(1e-12, Math.Abs(expected.Data[i])));
        return worst;
    }

    public static double MeanAbsoluteError(Matrix expected, Matrix actual)
    {
        double sum = 0;
        for (int i = 0; i < expected.Data.Length; i++) sum += Math.Abs(expected.Data[i] - actual.Data[i]);
        return sum / expected.Data.Length;
    }
}
