using CsCheck;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Tests.Support;

namespace Subquad.Hardness.Tests.Reductions;

/// <summary>Issue 13's hardness items: Min-IP >= OV as its own reduction, Lemma B.3 named, B.2's q from n.</summary>
public sealed class Issue13HardnessTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 1)]
    public void MinIpAtLeastAsHardAsOv_GammaAndThreshold_AgreeWithTheOracle(int gammaNum, int gammaDen)
    {
        foreach (var reduction in new[] { OvToMinIp.Gamma(new Rational(gammaNum, gammaDen)), OvToMinIp.ThresholdZero })
        {
            var solver = new ReducingSolver(reduction, reduction.Target.Mode == ProblemMode.Gamma ? AdversarialGammaSolver.Instance : BruteForce.Instance);
            Gen.OneOf(Instances.Mono(12, 7, allowZero: true), Instances.Bi(9, 7, allowZero: true)).Sample(instance =>
            {
                var expected = BruteForce.Instance.Solve(instance, Problem.OrthogonalVectors);
                var got = solver.Solve(instance, Problem.OrthogonalVectors);
                Assert.True(expected.Found == got.Found, reduction.Name);
                if (got.Found) Assert.Equal(0, PairScoring.InnerProduct((BinaryVectors)instance.A, got.I, (BinaryVectors)instance.Right, got.J));
            }, iter: 150);
        }
    }

    [Fact]
    public void MinIpAtLeastAsHardAsOv_AllZeroInput_IsYes_WithoutASpecialCase()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("000", "000", "000"));
        var reduced = OvToMinIp.ThresholdZero.Reduce(instance, Problem.OrthogonalVectors);
        Assert.Equal(1, reduced.QueryCount);
        Assert.True(reduced.Solve(BruteForce.Instance).Found);
    }

    [Fact]
    public void LemmaB3_IsANamedAssumption()
    {
        Assert.Contains(NamedAssumptions.LemmaB3, NamedAssumptions.All);
        Assert.Contains("B.4", NamedAssumptions.LemmaB3.Citation, StringComparison.Ordinal);
        Assert.Contains("Additive-MSD", NamedAssumptions.LemmaB3.Statement, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(16, 1)]
    [InlineData(1 << 10, 1)]
    [InlineData(1 << 16, 1)]
    [InlineData(1 << 20, 2)]
    [InlineData(int.MaxValue, 2)]
    public void LemmaB2_QFromN_AsThePaperDerivesIt(int n, int q)
    {
        var derivation = Tensoring.PaperQ(n);
        Assert.Equal(q, derivation.Q);
        Assert.Equal(q, Tensoring.ForDocuments(n).Q);
        if (n >= 4) Assert.Equal(Math.Log2(n) / Math.Pow(Math.Log2(Math.Log2(n)), 2), derivation.RealQ, 12);
        Assert.Contains("q = max(1, ceil(q*))", derivation.Derivation, StringComparison.Ordinal);
        if (n == 1 << 20) Assert.Equal(1.07, derivation.RealQ, 2); // paper.md 4.2.7
    }
}
