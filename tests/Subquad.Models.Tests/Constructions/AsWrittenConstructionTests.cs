using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Constructions;

/// <summary>
/// The paper's constructions as written: right for OV (nonzero input), Min-IP_t and LSD_t in the robust scale; wrong
/// for monochromatic Max-IP_t and MSD_t (paper.md 4.3.4), pinned by the two counterexamples and a random search;
/// the paper scale right where its bound holds and wrong outside.
/// </summary>
public sealed class AsWrittenConstructionTests
{
    private static readonly ConstructionOptions AsWritten = new() { Variant = ConstructionVariant.AsWritten };

    [Fact]
    public void MaxIp_Counterexample_TransformerSaysYes_OracleSaysNo()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("110", "001"));
        var problem = Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(1));
        Assert.False(BruteForce.Instance.Solve(instance, problem).Found);
        Assert.True(TransformerConstructions.Create(problem, instance, AsWritten).Decide(instance, AttentionEngine.Default));
        Assert.False(TransformerConstructions.Create(problem, instance).Decide(instance, AttentionEngine.Default));
    }

    [Fact]
    public void Msd_Counterexample_TransformerSaysYes_OracleSaysNo()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("10", "01"));
        var problem = Problem.WithThreshold(ProblemKind.Msd, new Rational(1, 2));
        Assert.False(BruteForce.Instance.Solve(instance, problem).Found);
        Assert.True(TransformerConstructions.Create(problem, instance, AsWritten).Decide(instance, AttentionEngine.Default));
        Assert.False(TransformerConstructions.Create(problem, instance).Decide(instance, AttentionEngine.Default));
    }

    [Theory]
    [InlineData(ProblemKind.MaxIp)]
    [InlineData(ProblemKind.Msd)]
    public void MaxProblems_RandomSearch_FindsManyWrongAnswers_AndNeverAWrongNo(ProblemKind kind)
    {
        int wrong = 0, total = 0;
        foreach (var c in TestInstances.Cases(kind, 300, 4200 + (int)kind, bichromatic: false, maxN: 40, maxL: 16))
        {
            if (kind == ProblemKind.MaxIp && c.Problem.Threshold!.Value.CompareTo(Rational.FromInteger(1)) < 0) continue;
            bool expected = BruteForce.Instance.Solve(c.Instance, c.Problem).Found;
            bool actual = TransformerConstructions.Create(c.Problem, c.Instance, AsWritten).Decide(c.Instance, AttentionEngine.Default);
            total++;
            if (actual != expected)
            {
                // The flaw only ever turns a no into a yes (the self-pair adds weight, never removes it).
                Assert.True(actual && !expected, $"{c.Description}: as written said {actual}, oracle {expected}");
                wrong++;
            }
        }

        Assert.True(wrong >= total / 10, $"only {wrong} of {total} wrong: the flaw of paper.md 4.3.4 should show");
    }

    [Theory]
    [InlineData(ProblemKind.Ov)]
    [InlineData(ProblemKind.MinIp)]
    [InlineData(ProblemKind.Lsd)]
    public void MinProblems_AsWritten_Robust_AgreeWithOracle(ProblemKind kind)
    {
        int total = 0;
        foreach (var c in TestInstances.Cases(kind, 400, 5100 + (int)kind, bichromatic: false))
        {
            if (kind == ProblemKind.MinIp && c.Problem.Threshold!.Value.CompareTo(Rational.FromInteger(1)) < 0) continue;
            var a = (BinaryVectors)c.Instance.A;
            if (kind == ProblemKind.Ov && Enumerable.Range(0, a.Count).All(a.IsZeroRow)) continue; // the 4.3.1 edge, tested apart
            bool expected = BruteForce.Instance.Solve(c.Instance, c.Problem).Found;
            var construction = TransformerConstructions.Create(c.Problem, c.Instance, AsWritten);
            Assert.True(expected == construction.Decide(c.Instance, AttentionEngine.Default), $"{c.Description}: oracle {expected} ({construction})");
            total++;
        }

        Assert.True(total >= 150, $"{total} instances tested");
    }

    [Theory]
    [InlineData(ProblemKind.Ov)]
    [InlineData(ProblemKind.MinIp)]
    public void PaperScale_RightWhereItsBoundHolds(ProblemKind kind)
    {
        // The paper's no-case bound n l e^{-3 ln n} = l / n^2 < (n+1)^-1.5 needs l small against sqrt(n).
        var options = new ConstructionOptions { Variant = ConstructionVariant.AsWritten, Scale = ConstructionScale.Paper };
        int tested = 0;
        foreach (var c in TestInstances.Cases(kind, 400, 6100 + (int)kind, bichromatic: false, maxN: 300, maxL: 8))
        {
            int n = c.Instance.A.Count, l = c.Instance.Dimensions;
            if (kind == ProblemKind.MinIp && c.Problem.Threshold!.Value.CompareTo(Rational.FromInteger(1)) < 0) continue;
            var a = (BinaryVectors)c.Instance.A;
            if (Enumerable.Range(0, a.Count).All(a.IsZeroRow)) continue;
            bool expected = BruteForce.Instance.Solve(c.Instance, c.Problem).Found;

            // Outside the bound (2 n l e^{-3 ln n} > a, i.e. l >~ sqrt(n) / 2) the construction is refused up front.
            bool inside = 2.0 * l / ((double)n * n) <= Math.Pow(n + 1, -1.5);
            if (!inside)
            {
                Assert.Throws<ConstructionRefusedException>(() => TransformerConstructions.Create(c.Problem, c.Instance, options));
                continue;
            }

            Assert.True(expected == TransformerConstructions.Create(c.Problem, c.Instance, options).Decide(c.Instance, AttentionEngine.Default), c.Description);
            tested++;
        }

        Assert.True(tested >= 40, $"{tested} instances inside the paper's range");
    }

    [Fact]
    public void PaperScale_FailsOutsideItsRange()
    {
        // OV, n = 3, l = 13, pairwise inner products 1, weights 5: the no-case needs o_i < a = 4^-1.5 = 0.125, but
        // o_i = 2 * 5 e^{-3 ln 3} / (1 + 2 e^{-3 ln 3}) = 0.34 >= b = 0.25, so the paper scale says yes.
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1111100000000", "1000011110000", "1000000001111"));
        Assert.False(BruteForce.Instance.Solve(instance, Problem.OrthogonalVectors).Found);
        var paperOptions = new ConstructionOptions { Variant = ConstructionVariant.AsWritten, Scale = ConstructionScale.Paper };
        Assert.Throws<ConstructionRefusedException>(() => TransformerConstructions.Create(Problem.OrthogonalVectors, instance, paperOptions));
        var paper = TransformerConstructions.CreateUnchecked(Problem.OrthogonalVectors, InstanceShape.Of(instance), paperOptions);
        Assert.True(paper.Phi2(paper.Build(instance) is var input ? AttentionEngine.Default.Forward(input.X, input.Weights) : null!) > 0.5);

        // LSD with a small cosine gap: 3 ln n is far too small (paper.md 4.3.3).
        var lsd = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "0110", "1010"));
        var problem = Problem.WithThreshold(ProblemKind.Lsd, new Rational(49, 100));
        Assert.False(BruteForce.Instance.Solve(lsd, problem).Found);
        Assert.Throws<ConstructionRefusedException>(() => TransformerConstructions.Create(problem, lsd, paperOptions));
        var lsdPaper = TransformerConstructions.CreateUnchecked(problem, InstanceShape.Of(lsd), paperOptions);
        Assert.True(lsdPaper.Decide(lsd, AttentionEngine.Default));
        Assert.False(TransformerConstructions.Create(problem, lsd, AsWritten).Decide(lsd, AttentionEngine.Default));
    }
}
