using Subquad.Core.Problems;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Constructions;

/// <summary>The named parts of the corrected construction (penalty C, lambda, the sentinel) and the theorem labels.</summary>
public sealed class ConstructionPartsTests
{
    [Fact]
    public void TheoremLabel_NamesEveryKind_AndNeverFallsThrough()
    {
        // null: decided that the paper has no construction for the kind, which is then refused by name.
        var expected = new Dictionary<ProblemKind, string?>
        {
            [ProblemKind.Ov] = "Thm 4.1", [ProblemKind.MaxIp] = "Thm C.1", [ProblemKind.MinIp] = "Thm C.1",
            [ProblemKind.Msd] = "Thm C.2", [ProblemKind.Lsd] = "Thm C.2",
            [ProblemKind.MinHamming] = null, [ProblemKind.MaxHamming] = null,
        };
        foreach (var kind in Enum.GetValues<ProblemKind>())
        {
            Assert.True(expected.ContainsKey(kind), $"{kind}: a new problem kind needs its theorem label (or none) decided here");
            if (expected[kind] is { } label)
            {
                Assert.Equal(label, TransformerConstructions.TheoremOf(kind));
            }
            else
            {
                var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => TransformerConstructions.TheoremOf(kind));
                Assert.Contains(kind.PaperName(), refusal.Message, StringComparison.Ordinal);
                var shape = new InstanceShape(16, 8, null);
                Assert.Throws<ArgumentOutOfRangeException>(() => TransformerConstructions.Create(Problem.WithThreshold(kind, Rational.FromInteger(3)), shape));
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => TransformerConstructions.TheoremOf((ProblemKind)99));
    }

    [Theory]
    [InlineData(ProblemKind.MaxIp, 8, 3.0, 1.0, 9.0 - 4.0 + 1.0)] // U = l + 1 = 9, sign (t + 1) = 4
    [InlineData(ProblemKind.Msd, 8, 0.5, 0.1, 2.0 - 1.5 + 0.1)]   // U = 2 for cosines
    [InlineData(ProblemKind.MinIp, 8, 2.0, 1.0, -1.0 + 3.0 + 1.0)] // U = -1, sign = -1
    public void Penalty_IsUMinusSignedThresholdPlusGap(ProblemKind kind, int l, double t, double gap, double expected) =>
        Assert.Equal(expected, CorrectedConstruction.Penalty(kind, l, t, gap), 12);

    [Fact]
    public void Lambda_PaperScaleIsThreeLnN_RobustScaleGrowsAsTheMarginShrinks()
    {
        Assert.Equal(3 * Math.Log(100), CorrectedConstruction.Lambda(ConstructionScale.Paper, 100, 9, 0.5, false, false, 0), 12);
        double wide = CorrectedConstruction.Lambda(ConstructionScale.Robust, 100, 9, 0.5, false, false, 0);
        double narrow = CorrectedConstruction.Lambda(ConstructionScale.Robust, 100, 9, 0.25, false, false, 0);
        Assert.Equal((Math.Log(4.0 * 100 * 101 * 9) / 0.5) + 1, wide, 12);
        Assert.Equal(2 * (wide - 1), narrow - 1, 9);
    }

    [Fact]
    public void SentinelSitsOffsetBelowTheThreshold_OnTheSignedScale()
    {
        Assert.Equal(4 - 0.5, CorrectedConstruction.SentinelOne(3, 1, 0.5), 12);
        Assert.Equal(4 + 0.5, CorrectedConstruction.SentinelOne(3, -1, 0.5), 12);
    }
}
