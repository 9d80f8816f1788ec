using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Constructions;

/// <summary>The corrected constructions (default variant, Robust scale) agree with the oracle on every instance.</summary>
public sealed class CorrectedConstructionTests
{
    public static TheoryData<ProblemKind, bool> KindsAndColours()
    {
        var data = new TheoryData<ProblemKind, bool>();
        foreach (var kind in new[] { ProblemKind.Ov, ProblemKind.MaxIp, ProblemKind.MinIp, ProblemKind.Msd, ProblemKind.Lsd })
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndColours))]
    public void Corrected_Robust_AgreesWithOracle_OnSeededInstances(ProblemKind kind, bool bichromatic)
    {
        int count = Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1" ? 3000 : 400;
        int checkedCount = 0, yes = 0;
        foreach (var c in TestInstances.Cases(kind, count, 7000 + (int)kind + (bichromatic ? 100 : 0), bichromatic))
        {
            bool expected = BruteForce.Instance.Solve(c.Instance, c.Problem).Found;
            var construction = TransformerConstructions.Create(c.Problem, c.Instance);
            var input = construction.Build(c.Instance);
            var output = AttentionEngine.Default.Forward(input.X, input.Weights);
            double phi2 = construction.Phi2(output);
            Assert.True(phi2 is < 1e-9 or > 1 - 1e-9, $"{c.Description}: phi2 = {phi2} is not 0/1 ({construction})");
            Assert.True(expected == phi2 > 0.5, $"{c.Description}: oracle {expected}, transformer {phi2} ({construction})");
            checkedCount++;
            if (expected) yes++;
        }

        Assert.Equal(count, checkedCount);

        // Not vacuous: both answers occur often.
        Assert.True(yes >= count / 20 && count - yes >= count / 20, $"{yes} yes of {count}");
    }

    [Fact]
    public void Ov_AllZeroInput_IsAnsweredYes_ByTheCorrectedConstruction_AndNo_AsWritten()
    {
        // paper.md 4.3.1: every o_i = 0 as written, yet the answer is yes.
        var instance = SimilarityInstance.Monochromatic(Subquad.Core.Vectors.BinaryVectors.Parse("000", "000", "000"));
        Assert.True(BruteForce.Instance.Solve(instance, Problem.OrthogonalVectors).Found);
        Assert.True(TransformerConstructions.Create(Problem.OrthogonalVectors, instance).Decide(instance, AttentionEngine.Default));
        var asWritten = TransformerConstructions.Create(Problem.OrthogonalVectors, instance, new ConstructionOptions { Variant = ConstructionVariant.AsWritten });
        Assert.False(asWritten.Decide(instance, AttentionEngine.Default));
    }

    [Fact]
    public void Sizes_AreDocumented()
    {
        var mono = SimilarityInstance.Monochromatic(Subquad.Core.Vectors.BinaryVectors.Parse("0110", "1010", "0001"));
        var lsd = TransformerConstructions.Create(Problem.WithThreshold(ProblemKind.Lsd, new Rational(1, 2)), mono);
        Assert.Equal((6, 6, 6, 1), (lsd.RawWidth, lsd.InputWidth, lsd.EmbeddingDimension, lsd.OutputWidth));
        var msd = TransformerConstructions.Create(Problem.WithThreshold(ProblemKind.Msd, new Rational(1, 2)), mono);
        Assert.Equal((6, 6 + 3, 1), (msd.RawWidth, msd.InputWidth, msd.OutputWidth));
        var paper = TransformerConstructions.Create(Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(1)), mono, new ConstructionOptions { Variant = ConstructionVariant.AsWritten });
        Assert.Equal((4, 5, 5, 1), (paper.RawWidth, paper.InputWidth, paper.EmbeddingDimension, paper.OutputWidth));
        var ov = TransformerConstructions.Create(Problem.OrthogonalVectors, mono, new ConstructionOptions { Variant = ConstructionVariant.AsWritten });
        Assert.Equal((4, 4, 5, 1), (ov.RawWidth, ov.InputWidth, ov.EmbeddingDimension, ov.OutputWidth));
    }
}
