using Subquad.Core.Vectors;

namespace Subquad.Hardness.Generators;

/// <summary>
/// OV instances at the density where orthogonal pairs are rare: each bit is one with probability p chosen so that
/// the expected number of orthogonal pairs, (n choose 2)(1 - p^2)^l, equals a small target. Such instances are the
/// ones OVC is about: nothing cheaper than looking at (almost) all pairs finds the rare pair, or proves there is none.
/// </summary>
public static class HardOrthogonalVectors
{
    /// <summary>The p with (n choose 2)(1 - p^2)^l = <paramref name="expectedPairs"/> (clamped to [0.01, 1]).</summary>
    public static double Density(int count, int dimensions, double expectedPairs)
    {
        double pairs = PairCount(count);
        if (pairs <= expectedPairs) return 0.5;
        double q = Math.Pow(expectedPairs / pairs, 1.0 / dimensions);
        return Math.Clamp(Math.Sqrt(1 - q), 0.01, 1.0);
    }

    /// <summary>
    /// n choose 2 in double: the int product count * (count - 1) overflows for n above 46,340 (it turned the density
    /// into the 0.5 fallback and the expected count negative at n = 65,536).
    /// </summary>
    public static double PairCount(int count) => (double)count * (count - 1) / 2.0;

    /// <summary>
    /// n nonzero rows in {0,1}^l at the rare-pair density; with <paramref name="plant"/>, two random rows are made
    /// orthogonal (each shared one is cleared on one side at random, keeping both rows nonzero).
    /// </summary>
    public static HardOvInstance Generate(int count, int dimensions, int seed, bool plant = false, double expectedPairs = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        var random = new Random(seed);
        double p = Density(count, dimensions, expectedPairs);
        var rows = new bool[count][];
        for (int i = 0; i < count; i++)
        {
            do
            {
                rows[i] = new bool[dimensions];
                for (int k = 0; k < dimensions; k++) rows[i][k] = random.NextDouble() < p;
            }
            while (!rows[i].Contains(true));
        }

        int pi = -1, pj = -1;
        if (plant)
        {
            pi = random.Next(count);
            do pj = random.Next(count);
            while (pj == pi);
            if (pi > pj) (pi, pj) = (pj, pi);
            // Give each row a private one first so clearing shared ones cannot empty either row.
            int ki = random.Next(dimensions), kj;
            do kj = random.Next(dimensions);
            while (kj == ki);
            rows[pi][ki] = true;
            rows[pj][ki] = false;
            rows[pj][kj] = true;
            rows[pi][kj] = false;
            for (int k = 0; k < dimensions; k++)
            {
                if (rows[pi][k] && rows[pj][k])
                {
                    if (random.Next(2) == 0) rows[pi][k] = false;
                    else rows[pj][k] = false;
                }
            }
        }

        double pairs = PairCount(count);
        return new HardOvInstance(BinaryVectors.FromRows(rows, dimensions), p, pairs * Math.Pow(1 - p * p, dimensions), pi, pj);
    }
}
