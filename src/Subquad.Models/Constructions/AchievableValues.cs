using Subquad.Core.Problems;

namespace Subquad.Models.Constructions;

/// <summary>
/// The finite sets of values a pair score can take on l-bit inputs (Cor 3.2's observation): inner products 0..l and
/// the O(l^3) cosines k / sqrt(a b) with 1 &lt;= a, b &lt;= l and max(0, a+b-l) &lt;= k &lt;= min(a, b) (paper.md 2.1).
/// They give the score gap Delta(t) the robust scale needs (paper.md 4.3.3) and the candidate thresholds of the
/// exact search (<see cref="PairSearch"/>).
/// </summary>
public static class AchievableValues
{
    private static readonly Dictionary<int, CosineValue[]> Cache = [];

    /// <summary>All achievable cosines for width l, sorted ascending, one representative per value.</summary>
    public static IReadOnlyList<CosineValue> Cosines(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        lock (Cache)
        {
            if (Cache.TryGetValue(dimensions, out var cached)) return cached;
            var all = new List<CosineValue>();
            for (int a = 1; a <= dimensions; a++)
            {
                for (int b = a; b <= dimensions; b++)
                {
                    for (int k = Math.Max(0, a + b - dimensions); k <= a; k++) all.Add(new CosineValue(k, a, b));
                }
            }

            all.Sort();
            var distinct = new List<CosineValue>(all.Count);
            foreach (var c in all)
            {
                if (distinct.Count == 0 || distinct[^1].CompareTo(c) != 0) distinct.Add(c);
            }

            var result = distinct.ToArray();
            Cache[dimensions] = result;
            return result;
        }
    }

    /// <summary>Sign of (c - t) exactly, for an achievable cosine c and a rational t &gt;= 0.</summary>
    public static int Compare(CosineValue c, Rational t)
    {
        var left = System.Numerics.BigInteger.Pow(c.K, 2) * t.Denominator * t.Denominator;
        var right = t.Numerator * t.Numerator * c.A * c.B;
        return left.CompareTo(right);
    }

    /// <summary>
    /// Delta(t) of paper.md 4.3.3, capped at 1: for a "max" problem (MSD) t minus the largest achievable cosine below
    /// t (1 when none); for a "min" problem (LSD) the smallest achievable cosine above t minus t (1 when none).
    /// </summary>
    public static double CosineGap(int dimensions, Rational t, bool maximising)
    {
        var values = Cosines(dimensions);
        double tv = t.ToDouble();
        if (maximising)
        {
            for (int i = values.Count - 1; i >= 0; i--)
            {
                if (Compare(values[i], t) < 0) return Math.Min(1, tv - values[i].Value);
            }

            return 1;
        }

        foreach (var c in values)
        {
            if (Compare(c, t) > 0) return Math.Min(1, c.Value - tv);
        }

        return 1;
    }

    /// <summary>The gap below (maximising) or above (minimising) an achievable cosine c, capped at 1.</summary>
    public static double CosineGap(int dimensions, CosineValue c, bool maximising)
    {
        var values = Cosines(dimensions);
        int index = FindIndex(values, c);
        if (maximising) return index == 0 ? 1 : Math.Min(1, c.Value - values[index - 1].Value);
        return index == values.Count - 1 ? 1 : Math.Min(1, values[index + 1].Value - c.Value);
    }

    /// <summary>Position of c in <see cref="Cosines"/> (it must be achievable).</summary>
    public static int FindIndex(IReadOnlyList<CosineValue> values, CosineValue c)
    {
        int lo = 0, hi = values.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int cmp = values[mid].CompareTo(c);
            if (cmp == 0) return mid;
            if (cmp < 0) lo = mid + 1;
            else hi = mid - 1;
        }

        throw new ArgumentException($"{c} is not an achievable cosine", nameof(c));
    }
}
