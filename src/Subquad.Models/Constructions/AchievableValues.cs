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
            long count = ListedCount(dimensions);
            EnsureListFits(dimensions, count);
            var all = new List<CosineValue>((int)count);
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

    /// <summary>How many (k, a, b) triples <see cref="Cosines"/> lists before removing equal values: sum over a &lt;= b of
    /// a - max(0, a + b - l) + 1, about l^3 / 12. O(l^2) time, nothing allocated.</summary>
    internal static long ListedCount(int dimensions)
    {
        long count = 0;
        for (long a = 1; a <= dimensions; a++)
        {
            for (long b = a; b <= dimensions; b++) count += a - Math.Max(0, a + b - dimensions) + 1;
        }

        return count;
    }

    /// <summary>The bytes listing them takes at its peak: the presized list, the distinct list and the cached array.</summary>
    internal static long ListBytes(long count) => 3 * count * System.Runtime.CompilerServices.Unsafe.SizeOf<CosineValue>();

    /// <summary>
    /// Refuses, before anything is allocated, a list that cannot exist (more entries than an array holds: l above
    /// about 2,950) or does not fit in <paramref name="availableBytes"/> (default: what this process may still take,
    /// <see cref="Core.IO.MemoryBudget.AvailableBytes"/>; at l = 2,000 the list needs about 22 GiB). Only the exact
    /// search over cosines (<see cref="PairSearch"/>) and the precision sweep need the list; threshold decisions use
    /// <see cref="Neighbours"/> and never list.
    /// </summary>
    internal static void EnsureListFits(int dimensions, long count, long? availableBytes = null)
    {
        const string what = "the exact cosine search";
        const string lower = "a threshold decision (-t) needs no list; or fewer dimensions";
        long bytes = ListBytes(count);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (count > Array.MaxLength)
        {
            throw new Core.InputException(null, null, string.Create(invariant,
                $"{what} lists all {count:N0} achievable cosines of width {dimensions} ({Core.IO.MemoryBudget.Format(bytes)}), more than one array can hold ({lower})"));
        }

        long available = availableBytes ?? Core.IO.MemoryBudget.AvailableBytes();
        if (bytes > available)
        {
            throw new Core.InputException(null, null, string.Create(invariant,
                $"{what} (all {count:N0} achievable cosines of width {dimensions}) needs {Core.IO.MemoryBudget.Format(bytes)} of memory, but only {Core.IO.MemoryBudget.Format(available)} is available ({lower})"));
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
    /// <remarks>O(l^2) time and no allocation (see <see cref="Neighbours"/>), not the O(l^3) list of every cosine.</remarks>
    public static double CosineGap(int dimensions, Rational t, bool maximising)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);

        // Max: the largest c < t is the lower side of the split {c >= t}; min: the smallest c > t, the upper side of {c > t}.
        var (below, above) = Neighbours(dimensions, t, upperIncludesT: maximising);
        double tv = t.ToDouble();
        if (maximising) return below is { } b ? Math.Min(1, tv - b.Value) : 1;
        return above is { } a ? Math.Min(1, a.Value - tv) : 1;
    }

    /// <summary>
    /// The achievable cosines nearest t on either side of a split, without listing them: <c>Above</c> is the smallest
    /// c with c &gt;= t (<paramref name="upperIncludesT"/>) or c &gt; t, <c>Below</c> the largest c on the other side;
    /// null when that side is empty. For each pair of weights a &lt;= b the inner products k are monotone in the
    /// cosine, so one floor(t sqrt(a b)) (corrected by exact comparisons) gives that pair's two neighbours: O(l^2)
    /// time, O(1) memory, where <see cref="Cosines"/> holds all ~l^3/3 values (64 GB for l = 2,000: what made
    /// <c>sat --via transformer</c> on 2,000 clauses run out of memory). Comparisons with t are exact, as in
    /// <see cref="Compare"/> (a float64 pre-test decides only when its error cannot flip the sign).
    /// </summary>
    internal static (CosineValue? Below, CosineValue? Above) Neighbours(int dimensions, Rational t, bool upperIncludesT)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        double tAbs = Math.Abs(t.ToDouble());
        double t2 = tAbs * tAbs;
        var numerator2 = t.Numerator * t.Numerator;
        var denominator2 = t.Denominator * t.Denominator;

        // Sign of k^2 den^2 - num^2 a b, exactly (Compare's formula, kept so both always agree).
        int Sign(int k, int a, int b)
        {
            double left = (double)k * k, right = t2 * ((double)a * b);
            double difference = left - right;
            if (Math.Abs(difference) > 1e-9 * Math.Max(left, right) + 1e-300) return Math.Sign(difference);
            return (System.Numerics.BigInteger.Pow(k, 2) * denominator2).CompareTo(numerator2 * a * b);
        }

        bool Upper(int k, int a, int b)
        {
            int sign = Sign(k, a, b);
            return upperIncludesT ? sign >= 0 : sign > 0;
        }

        CosineValue? below = null, above = null;
        for (int a = 1; a <= dimensions; a++)
        {
            for (int b = a; b <= dimensions; b++)
            {
                int kmin = Math.Max(0, a + b - dimensions);

                // First k in [kmin, a] on the upper side (a + 1 when none): start at floor(|t| sqrt(a b)) and step.
                double guess = Math.Floor(tAbs * Math.Sqrt((double)a * b));
                int k = guess >= a + 1 ? a + 1 : guess <= kmin ? kmin : (int)guess;
                while (k > kmin && Upper(k - 1, a, b)) k--;
                while (k <= a && !Upper(k, a, b)) k++;
                if (k - 1 >= kmin)
                {
                    var candidate = new CosineValue(k - 1, a, b);
                    if (below is not { } current || candidate.CompareTo(current) > 0) below = candidate;
                }

                if (k <= a)
                {
                    var candidate = new CosineValue(k, a, b);
                    if (above is not { } current || candidate.CompareTo(current) < 0) above = candidate;
                }
            }
        }

        return (below, above);
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

        // Max: witnesses are c >= t (the upper side), the other side c < t; min: witnesses c <= t, the other side c > t.
        var (below, above) = Neighbours(dimensions, t, upperIncludesT: maximising);
        var witnessCosine = maximising ? above : below;
        var otherCosine = maximising ? below : above;
        bool hasWitness = witnessCosine is not null;
        bool hasOther = otherCosine is not null;
        double w = witnessCosine?.Value ?? double.NaN;
        double o = otherCosine?.Value ?? double.NaN;
        int away = maximising ? -1 : 1; // direction from the witness side to the other side
        if (!hasWitness) w = o - away;
        if (!hasOther) o = w + away;
        return new ThresholdSnap(w, o, hasWitness, hasOther)
        {
            WitnessCosine = witnessCosine,
            OtherCosine = otherCosine,
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
