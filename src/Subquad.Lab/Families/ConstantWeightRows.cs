namespace Subquad.Lab.Families;

/// <summary>
/// Rows of exactly w ones among l columns, as packed words, and the helpers the hard families share. Every row has
/// the same weight, so no feature of row weights (the lightest row, the two lightest, the weight spread) can tell a
/// yes-instance from a no-instance: the detector test checks that.
/// </summary>
internal static class ConstantWeightRows
{
    /// <summary>Words per row for l columns.</summary>
    public static int Words(int dimensions) => (dimensions + 63) / 64;

    /// <summary>A uniformly random w-subset of [l] (partial Fisher-Yates), written into <paramref name="row"/>.</summary>
    public static void Random(Span<ulong> row, int dimensions, int weight, Random random, ReadOnlySpan<int> allowed = default)
    {
        row.Clear();
        Span<int> pool = stackalloc int[allowed.IsEmpty ? dimensions : allowed.Length];
        if (allowed.IsEmpty)
        {
            for (int a = 0; a < dimensions; a++) pool[a] = a;
        }
        else
        {
            allowed.CopyTo(pool);
        }

        int w = Math.Min(weight, pool.Length);
        for (int k = 0; k < w; k++)
        {
            int pick = k + random.Next(pool.Length - k);
            (pool[k], pool[pick]) = (pool[pick], pool[k]);
            Set(row, pool[k]);
        }
    }

    public static void Set(Span<ulong> row, int a) => row[a >> 6] |= 1UL << (a & 63);

    public static void Clear(Span<ulong> row, int a) => row[a >> 6] &= ~(1UL << (a & 63));

    public static bool Get(ReadOnlySpan<ulong> row, int a) => (row[a >> 6] >> (a & 63) & 1) != 0;

    public static int InnerProduct(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        int ip = 0;
        for (int w = 0; w < x.Length; w++) ip += System.Numerics.BitOperations.PopCount(x[w] & y[w]);
        return ip;
    }

    /// <summary>
    /// Weight-preserving repair: while row b shares fewer than <paramref name="margin"/> ones with row a, move one of
    /// b's ones that a lacks onto a column where a has a one and b has none. Returns false when impossible.
    /// </summary>
    public static bool RaiseOverlap(ReadOnlySpan<ulong> a, Span<ulong> b, int dimensions, int margin, Random random)
    {
        while (InnerProduct(a, b) < margin)
        {
            int from = PickColumn(b, a, dimensions, random);
            int to = PickColumn(a, b, dimensions, random);
            if (from < 0 || to < 0) return false;
            Clear(b, from);
            Set(b, to);
        }

        return true;
    }

    /// <summary>A uniform column where <paramref name="has"/> has a one and <paramref name="lacks"/> has none, or -1.</summary>
    private static int PickColumn(ReadOnlySpan<ulong> has, ReadOnlySpan<ulong> lacks, int dimensions, Random random)
    {
        int count = 0, chosen = -1;
        for (int c = 0; c < dimensions; c++)
        {
            if (!Get(has, c) || Get(lacks, c)) continue;
            count++;
            if (random.Next(count) == 0) chosen = c; // reservoir pick: uniform among the admissible columns
        }

        return chosen;
    }

    /// <summary>log C(n, k).</summary>
    public static double LogChoose(int n, int k)
    {
        if (k < 0 || k > n) return double.NegativeInfinity;
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log(n - k + i) - Math.Log(i);
        return s;
    }

    /// <summary>P(two independent uniform w-subsets of [l] are disjoint) = C(l - w, w) / C(l, w).</summary>
    public static double DisjointProbability(int dimensions, int weight) =>
        Math.Exp(LogChoose(dimensions - weight, weight) - LogChoose(dimensions, weight));
}
