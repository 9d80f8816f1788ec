using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Lab.Families;

namespace Subquad.Lab.Tests.Families;

public sealed class FamilyTests
{
    private static readonly IInstanceFamily[] All = [new RandomFamily(0.3), new PlantedFamily(0.3, 2), new CriticalOvFamily()];

    [Fact]
    public void EveryFamily_IsReproducibleFromItsSeed()
    {
        foreach (var family in All)
        {
            foreach (bool bichromatic in new[] { false, true })
            {
                var x = family.Generate(40, 12, Problem.OrthogonalVectors, bichromatic, 5);
                var y = family.Generate(40, 12, Problem.OrthogonalVectors, bichromatic, 5);
                var z = family.Generate(40, 12, Problem.OrthogonalVectors, bichromatic, 6);
                Assert.True(((BinaryVectors)x.A).Words.SequenceEqual(((BinaryVectors)y.A).Words));
                Assert.False(((BinaryVectors)x.A).Words.SequenceEqual(((BinaryVectors)z.A).Words));
                Assert.Equal(bichromatic, x.IsBichromatic);
                Assert.Equal(40, x.A.Count + (x.B?.Count ?? 0));
            }
        }
    }

    [Fact]
    public void Planted_NoInstancesKeepTheMargin_AndHalfArePlanted()
    {
        var family = new PlantedFamily(0.3, 2);
        int yes = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var instance = family.Generate(48, 14, Problem.OrthogonalVectors, false, seed);
            var min = ExactSolvers.Oracle.Solve(instance, Problem.Exact(ProblemKind.MinIp));
            if (min.Score.InnerProduct == 0) yes++;
            else Assert.True(min.Score.InnerProduct >= family.EffectiveMargin(14), $"seed {seed}: min ip {min.Score.InnerProduct}");
            var a = (BinaryVectors)instance.A;
            Assert.All(Enumerable.Range(0, a.Count), i => Assert.Equal(6, a.Weight(i))); // constant weight: no weight tell
        }

        Assert.InRange(yes, 18, 42);
    }

    [Fact]
    public void Planted_MaxProblems_PlantAWitnessAboutHalfTheTime()
    {
        var family = new PlantedFamily(0.2, 2);
        var problem = Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(5));
        int yes = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            if (ExactSolvers.Oracle.Solve(family.Generate(40, 16, problem, seed % 2 == 0, seed), problem).Found) yes++;
        }

        Assert.InRange(yes, 10, 30);
    }

    [Fact]
    public void Critical_IsNeitherAlwaysYesNorAlwaysNo_AndHasConstantWeight()
    {
        var family = new CriticalOvFamily();
        foreach (int n in new[] { 32, 128 })
        {
            int yes = 0;
            for (int seed = 0; seed < 40; seed++)
            {
                var instance = family.Generate(n, 14, Problem.OrthogonalVectors, false, seed);
                if (ExactSolvers.Oracle.Solve(instance, Problem.OrthogonalVectors).Found) yes++;
                var a = (BinaryVectors)instance.A;
                Assert.Single(Enumerable.Range(0, a.Count).Select(a.Weight).Distinct());
            }

            Assert.InRange(yes, 1, 39);
        }
    }

    [Fact]
    public void Critical_WeightPutsTheExpectedYesRateNearestOneHalf()
    {
        // n = 1024, l = 20: w = 10 gives E = 523776 / C(20, 10) = 2.8 orthogonal pairs; w = 9 gives 171.
        Assert.Equal(10, CriticalOvFamily.Weight(1024L * 1023 / 2, 20));
        Assert.Equal(1.0 / 184756, ConstantWeightRows.DisjointProbability(20, 10), 12);
    }

    [Fact]
    public void Critical_RejectsNonOvProblems()
    {
        Assert.Throws<NotSupportedException>(() => new CriticalOvFamily().Generate(16, 8, Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(2)), false, 1));
    }
}
