using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Hardness.Generators;
using Subquad.Hardness.Sat;
using Subquad.Hardness.Tests.Reductions;

namespace Subquad.Hardness.Tests.Generators;

public class GeneratorTests
{
    [Fact]
    public void HardOv_IsSeeded_NonZero_AndThePlantedPairIsOrthogonal()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var x = HardOrthogonalVectors.Generate(60, 24, seed, plant: true);
            var y = HardOrthogonalVectors.Generate(60, 24, seed, plant: true);
            Assert.Equal(x.Vectors.Words.ToArray(), y.Vectors.Words.ToArray());
            Assert.All(x.Vectors.Weights.ToArray(), w => Assert.True(w > 0));
            Assert.True(x.PlantedI < x.PlantedJ);
            Assert.Equal(0, PairScoring.InnerProduct(x.Vectors, x.PlantedI, x.Vectors, x.PlantedJ));
            Assert.True(BruteForce.Instance.Solve(SimilarityInstance.Monochromatic(x.Vectors), Problem.OrthogonalVectors).Found);
        }
    }

    [Fact]
    public void HardOv_Density_MakesOrthogonalPairsRare()
    {
        double p = HardOrthogonalVectors.Density(1000, 60, 0.05);
        Assert.Equal(0.05, 1000 * 999 / 2.0 * Math.Pow(1 - p * p, 60), 6);
        int withPair = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            var x = HardOrthogonalVectors.Generate(120, 40, seed, plant: false, expectedPairs: 0.05);
            if (BruteForce.Instance.Solve(SimilarityInstance.Monochromatic(x.Vectors), Problem.OrthogonalVectors).Found) withPair++;
        }

        Assert.InRange(withPair, 0, 10); // expected about 2 of 40
    }

    [Fact]
    public void ExportedQueries_DecideTheFormula_ByTheSidecarRule_ForEveryChain()
    {
        var random = new Random(77);
        for (int trial = 0; trial < 150; trial++)
        {
            var formula = CnfSatToOrthogonalVectorsTests.RandomCnf(random, 8, 30);
            bool expected = formula.SolveByEnumeration() is not null;
            foreach (var chain in SatChain.All)
            {
                var (queries, stages, settled) = CnfInstanceExport.Expand(formula, chain);
                Assert.Equal(chain.Stages().Count + 1, stages.Count);
                bool decided = settled is not null || queries.Any(q => Yes(chain.Name, q));
                Assert.True(expected == decided, $"trial {trial} via {chain.Name}: expected {expected}");
            }
        }

        static bool Yes(string chain, Subquad.Hardness.Reductions.SimilarityQuery q)
        {
            var answer = BruteForce.Instance.Solve(q.Instance, q.Problem);
            var a = (BinaryVectors)q.Instance.A;
            switch (chain)
            {
                case "ov":
                    return answer.Found;
                case "lsd":
                    return answer.Score.InnerProduct == 0;
                case "bmaxip":
                    return answer.Score.InnerProduct == a.Weight(0);
                default:
                    int l = a.Dimensions / 3;
                    int unpadded = Enumerable.Range(0, l).Count(k => a[0, k]);
                    return answer.Score.InnerProduct == unpadded;
            }
        }
    }
}
