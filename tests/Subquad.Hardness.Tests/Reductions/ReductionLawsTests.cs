using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Hardness.Reductions;

namespace Subquad.Hardness.Tests.Reductions;

/// <summary>The laws themselves: each one fails on a reduction that breaks it, and every reduction states its size.</summary>
public class ReductionLawsTests
{
    private static readonly SimilarityInstance Orthogonal = SimilarityInstance.Monochromatic(BinaryVectors.Parse("110", "001", "011"));

    /// <summary>A reduction that asks OV on the same instance and lets a test spoil the answer or the size.</summary>
    private sealed class Broken(Func<Answer, Problem, Answer> spoil, ReductionSize bound, int extraColumns = 0) : ISimilarityReduction
    {
        public string Name => "broken";

        public string Reference => "a test";

        public bool Accepts(SimilarityInstance instance, Problem problem) => problem.Kind == ProblemKind.Ov;

        public ReductionSize SizeBound(InstanceShape shape) => bound;

        public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
        {
            var v = (BinaryVectors)instance.A;
            var asked = extraColumns == 0 ? instance : SimilarityInstance.Monochromatic(BinaryVectors.FromRows(
                Enumerable.Range(0, v.Count).Select(i => Enumerable.Range(0, v.Dimensions + extraColumns).Select(k => k < v.Dimensions && v[i, k]).ToArray()).ToList()));
            return new Reduction<Answer>(1, _ => new SimilarityQuery(asked, problem), ask => spoil(ask(0), problem));
        }
    }

    private static readonly ReductionSize Roomy = new(1, 10, 10);

    [Fact]
    public void HonestReduction_PassesAndReturnsTheDecodedAnswer()
    {
        var answer = ReductionLaws.Check(new Broken((a, _) => a, Roomy), Orthogonal, Problem.OrthogonalVectors, BruteForce.Instance);
        Assert.True(answer.Found);
        Assert.Equal((0, 1), (answer.I, answer.J));
    }

    [Fact]
    public void WrongYesNo_BreaksAnswerPreserved()
    {
        var ex = Assert.Throws<ReductionLawException>(() => ReductionLaws.Check(new Broken((_, p) => Answer.No(p), Roomy), Orthogonal, Problem.OrthogonalVectors, BruteForce.Instance));
        Assert.Contains("answer not preserved", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonOrthogonalWitness_BreaksWitnessValid()
    {
        // Claims (1, 2), whose inner product is 1, with a fabricated score of 0.
        var spoil = (Answer a, Problem p) => Answer.Pair(p, 1, 2, a.Score);
        var ex = Assert.Throws<ReductionLawException>(() => ReductionLaws.Check(new Broken(spoil, Roomy), Orthogonal, Problem.OrthogonalVectors, BruteForce.Instance));
        Assert.Contains("not valid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CallsBeyondTheStatedSize_BreakSizeWithinBound()
    {
        var tooWide = Assert.Throws<ReductionLawException>(() => ReductionLaws.Check(new Broken((a, _) => a, new ReductionSize(1, 10, 3), extraColumns: 1), Orthogonal, Problem.OrthogonalVectors, BruteForce.Instance));
        Assert.Contains("exceeds its bound", tooWide.Message, StringComparison.Ordinal);
        var tooMany = Assert.Throws<ReductionLawException>(() => ReductionLaws.Check(new Broken((a, _) => a, new ReductionSize(0, 10, 10)), Orthogonal, Problem.OrthogonalVectors, BruteForce.Instance));
        Assert.Contains("calls exceed", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryReduction_StatesItsSizeBound()
    {
        ISimilarityReduction[] all =
        [
            OvToLsd.Gamma(Rational.FromInteger(2)), OvToLsd.ThresholdZero, BichromaticOvToOv.Instance, OvToBichromaticOv.Instance,
            MonochromaticByHalving.Instance, OvToBichromaticMaxIp.Instance, new Tensoring(2), new BichromaticMaxIpToBichromaticMsd(),
            ExactByThresholdSearch.Instance, OvToMinIp.Gamma(Rational.FromInteger(2)), OvToMinIp.ThresholdZero,
        ];
        // Every implementation in the Hardness assembly: listed above, or reachable through a static Instance or a
        // parameterless constructor (a reduction added later is then checked without editing this list).
        foreach (var type in typeof(ISimilarityReduction).Assembly.GetTypes().Where(t => !t.IsInterface && !t.IsAbstract && typeof(ISimilarityReduction).IsAssignableFrom(t)))
        {
            if (all.Any(r => r.GetType() == type)) continue;
            var reduction = type.GetProperty("Instance", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) as ISimilarityReduction
                ?? (type.GetConstructor(Type.EmptyTypes) is { } ctor ? (ISimilarityReduction)ctor.Invoke(null) : null);
            Assert.True(reduction is not null, $"{type.Name}: add it to this test's list so its size bound is checked");
            all = [.. all, reduction!];
        }

        var shape = new InstanceShape(10, 7, 5);
        foreach (var reduction in all)
        {
            var bound = reduction.SizeBound(shape);
            Assert.True(bound.Queries >= 0 && bound.Rows >= 1 && bound.Dimensions >= shape.Dimensions, $"{reduction.Name}: {bound}");
        }
    }
}
