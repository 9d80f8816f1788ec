using Subquad.Core.Problems;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Exactness;

/// <summary>
/// Issue 17: <see cref="AchievableValues.Snap"/> and <see cref="AchievableValues.CosineGap(int, Rational, bool)"/>
/// find the achievable cosines next to t in O(l^2) without listing all ~l^3/3 of them (the list cost 64 GB at
/// l = 2,000). Checked against the list (<see cref="AchievableValues.Cosines"/>, the simple reference) for every
/// width up to 24 at thresholds on, between, and one ulp either side of achievable values, and 0 and 1.
/// </summary>
public sealed class AchievableNeighboursTests
{
    /// <summary>The pre-issue-17 Snap: binary search over the sorted list of every achievable cosine.</summary>
    private static (CosineValue? W, CosineValue? O) ReferenceSnap(bool maximising, int l, Rational t)
    {
        var values = AchievableValues.Cosines(l);
        int lo = 0, hi = values.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = AchievableValues.Compare(values[mid], t);
            if (maximising ? c >= 0 : c > 0) hi = mid;
            else lo = mid + 1;
        }

        int wi = maximising ? lo : lo - 1, oi = maximising ? lo - 1 : lo;
        bool hw = wi >= 0 && wi < values.Count, ho = oi >= 0 && oi < values.Count;
        return (hw ? values[wi] : null, ho ? values[oi] : null);
    }

    private static IEnumerable<Rational> Thresholds(int l, Random random)
    {
        yield return Rational.FromInteger(0);
        yield return Rational.FromInteger(1);
        var values = AchievableValues.Cosines(l);
        for (int s = 0; s < 12; s++)
        {
            var c = values[random.Next(values.Count)];
            double v = c.Value;
            yield return Rational.FromDouble(v);
            yield return Rational.FromDouble(Math.BitIncrement(v));
            if (v > 0) yield return Rational.FromDouble(Math.BitDecrement(v));
            if (c.K * c.K % (c.A * c.B) == 0 || IsSquare((long)c.A * c.B)) yield return new Rational(c.K, (long)Math.Round(Math.Sqrt((double)c.A * c.B)));
            yield return Rational.FromDouble(random.NextDouble());
        }
    }

    private static bool IsSquare(long x)
    {
        long r = (long)Math.Round(Math.Sqrt(x));
        return r * r == x;
    }

    [Fact]
    public void Snap_AgreesWithTheFullList_OnEveryWidthUpTo24()
    {
        var random = new Random(17);
        int checkedCases = 0;
        for (int l = 1; l <= 24; l++)
        {
            foreach (var t in Thresholds(l, random))
            {
                foreach (var kind in new[] { ProblemKind.Msd, ProblemKind.Lsd })
                {
                    bool max = kind.Maximises();
                    var (w, o) = ReferenceSnap(max, l, t);
                    var snap = AchievableValues.Snap(kind, l, t);
                    string what = $"l = {l}, t = {t}, {kind}: expected ({w}, {o}), got {snap} ({snap.WitnessCosine}, {snap.OtherCosine})";

                    // Same values exactly (the representative (k, a, b) of a value may differ; its float64 by an ulp).
                    Assert.True(w.HasValue == snap.HasWitness && o.HasValue == snap.HasOther, what);
                    if (w is { } wv) Assert.True(wv.CompareTo(snap.WitnessCosine!.Value) == 0 && Math.Abs(wv.Value - snap.Witness) <= 1e-15, what);
                    if (o is { } ov) Assert.True(ov.CompareTo(snap.OtherCosine!.Value) == 0 && Math.Abs(ov.Value - snap.Other) <= 1e-15, what);
                    if (w is null) Assert.Equal(snap.Other + (max ? 1 : -1), snap.Witness);
                    if (o is null) Assert.Equal(snap.Witness + (max ? -1 : 1), snap.Other);
                    checkedCases++;
                }
            }
        }

        Assert.True(checkedCases > 1000, $"{checkedCases} cases");
    }

    [Fact]
    public void CosineGap_AgreesWithTheFullList()
    {
        var random = new Random(5);
        for (int l = 1; l <= 20; l++)
        {
            var values = AchievableValues.Cosines(l);
            foreach (var t in Thresholds(l, random))
            {
                foreach (bool max in new[] { true, false })
                {
                    double expected = 1;
                    if (max)
                    {
                        for (int i = values.Count - 1; i >= 0; i--)
                        {
                            if (AchievableValues.Compare(values[i], t) < 0) { expected = Math.Min(1, t.ToDouble() - values[i].Value); break; }
                        }
                    }
                    else
                    {
                        foreach (var c in values)
                        {
                            if (AchievableValues.Compare(c, t) > 0) { expected = Math.Min(1, c.Value - t.ToDouble()); break; }
                        }
                    }

                    Assert.Equal(expected, AchievableValues.CosineGap(l, t, max), 1e-15);
                }
            }
        }
    }

    [Fact]
    public void Snap_AtWidth2000_NeedsNoList()
    {
        // LSD_0 at l = 2,000 (sat --via transformer on 2,000 clauses): witness 0 (orthogonal pairs exist), the other
        // side the smallest positive cosine 1 / sqrt(1000 * 1001), found without the 64 GB list.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var snap = AchievableValues.Snap(ProblemKind.Lsd, 2000, Rational.FromInteger(0));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, snap.Witness);
        Assert.True(snap.HasOther);
        Assert.Equal(1 / Math.Sqrt(1000.0 * 1001), snap.Other, 12);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }
    /// <summary>The count the budget check uses before listing is the number of triples the list holds before equal
    /// values are merged (brute force over every (k, a, b)), for every width up to 40.</summary>
    [Fact]
    public void ListedCount_EqualsTheTriplesEnumerated()
    {
        for (int l = 1; l <= 40; l++)
        {
            long brute = 0;
            for (int a = 1; a <= l; a++)
            {
                for (int b = a; b <= l; b++)
                {
                    for (int k = 0; k <= a; k++) if (a + b - k <= l) brute++;
                }
            }

            Assert.Equal(brute, AchievableValues.ListedCount(l));
        }
    }

    /// <summary>
    /// A list that cannot exist (l = 5,000: about 1e10 cosines, more than one array holds) is refused up front with a
    /// one-line input error that says its size and what lowers it, before any allocation, on any machine.
    /// </summary>
    [Fact]
    public void Cosines_AtWidth5000_IsRefusedUpFront()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<Core.InputException>(() => AchievableValues.Cosines(5000));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("achievable cosines of width 5000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than one array can hold", ex.Message, StringComparison.Ordinal);
        Assert.Contains("threshold", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before refusing");
    }

    /// <summary>
    /// The budget side, with the available memory given (the real figure depends on the machine: at l = 2,000 the list
    /// needs ~22 GiB, which a quiet 24 GiB machine may have): refused one byte short of the need, accepted at it.
    /// </summary>
    [Fact]
    public void EnsureListFits_RefusesOneByteShortOfTheNeed()
    {
        long count = AchievableValues.ListedCount(2000);
        Assert.Equal(669_167_500, count);
        long need = AchievableValues.ListBytes(count);
        var ex = Assert.Throws<Core.InputException>(() => AchievableValues.EnsureListFits(2000, count, need - 1));
        Assert.Contains("needs 22.44 GiB of memory", ex.Message, StringComparison.Ordinal);
        AchievableValues.EnsureListFits(2000, count, need);
    }
}
