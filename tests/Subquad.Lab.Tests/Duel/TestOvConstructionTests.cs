using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Alternatives.Reference;

namespace Subquad.Lab.Tests.Duel;

/// <summary>The test construction is itself right (else the duel's transformer row would mean nothing).</summary>
public sealed class TestOvConstructionTests
{
    [Fact]
    public void TestConstruction_WithNaiveAttention_AgreesWithTheOracle()
    {
        int disagreements = 0, yes = 0;
        for (int seed = 0; seed < 120; seed++)
        {
            var random = new Random(seed);
            int n = 2 + random.Next(40), l = 2 + random.Next(12);
            var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(n, l, 0.2 + (0.6 * random.NextDouble()), seed));
            var truth = ExactSolvers.Oracle.Solve(instance, Problem.OrthogonalVectors).Found;
            var c = TestOvConstruction.Build(instance, Problem.OrthogonalVectors);
            bool answer = c.Phi2(NaiveAttention.Instance.Forward(c.X, c.Weights)) >= 0.5;
            if (answer != truth) disagreements++;
            if (truth) yes++;
        }

        Assert.Equal(0, disagreements);
        Assert.InRange(yes, 20, 100);
    }
}
