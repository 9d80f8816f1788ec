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

    /// <summary>
    /// Snaps a user threshold t to the two achievable values on either side of the decision it defines (issue 13): the
    /// witness-side boundary w (the achievable value nearest t that still meets it: the smallest c &gt;= t for "max"
    /// problems, the largest c &lt;= t for "min" problems) and the nearest achievable value o on the other side. Every
    /// threshold strictly between o and w, and t itself, splits the achievable values identically, so a construction
    /// may use the midpoint (w + o) / 2 with margin |w - o| / 2 on both sides instead of t, whose distance to the
    /// nearest achievable value can be as small as one ulp (or zero). The comparisons with t are exact (integers for
    /// inner products; k^2 den^2 against num^2 a b for cosines, as <see cref="ScoreOrder"/> compares them).
    /// </summary>
    /// <remarks>
    /// When no achievable value lies on one side (every pair is a witness, or none can be), that side is a virtual
    /// value at distance 1, so the spacing is capped at 1 (the robust lambda stays ln(...) / (1/2) there).
    /// </remarks>
    public static ThresholdSnap Snap(ProblemKind kind, int dimensions, Rational t)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        bool maximising = kind.Maximises();
        if (!kind.IsCosine())
        {
            // Integers 0..l: "max" witnesses are >= ceil(t), "min" witnesses <= floor(t).
            var floor = System.Numerics.BigInteger.Divide(t.Numerator, t.Denominator);
            long witness = maximising ? (long)(t.IsInteger ? floor : floor + 1) : (long)floor;
            long other = maximising ? witness - 1 : witness + 1;
            return new ThresholdSnap(witness, other, witness >= 0 && witness <= dimensions, other >= 0 && other <= dimensions);
        }

        var values = Cosines(dimensions);

        // First index whose value meets t from above: for max, first c >= t; for min, first c > t.
        int lo = 0, hi = values.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = Compare(values[mid], t);
            if (maximising ? c >= 0 : c > 0) hi = mid;
            else lo = mid + 1;
        }

        // values[lo - 1] < t <= values[lo] (max) or values[lo - 1] <= t < values[lo] (min).
        int witnessIndex = maximising ? lo : lo - 1;
        int otherIndex = maximising ? lo - 1 : lo;
        bool hasWitness = witnessIndex >= 0 && witnessIndex < values.Count;
        bool hasOther = otherIndex >= 0 && otherIndex < values.Count;
        double w = hasWitness ? values[witnessIndex].Value : double.NaN;
        double o = hasOther ? values[otherIndex].Value : double.NaN;
        int away = maximising ? -1 : 1; // direction from the witness side to the other side
        if (!hasWitness) w = o - away;
        if (!hasOther) o = w + away;
        return new ThresholdSnap(w, o, hasWitness, hasOther)
        {
            WitnessCosine = hasWitness ? values[witnessIndex] : null,
            OtherCosine = hasOther ? values[otherIndex] : null,
        };
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
