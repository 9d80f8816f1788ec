using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;
using Subquad.Models.Tests.Constructions;

namespace Subquad.Models.Tests.Onnx;

/// <summary>The pair search run entirely by ONNX Runtime (every pass an exported graph) returns the oracle's pair.</summary>
public sealed class OnnxSearchTests
{
    public static TheoryData<ProblemKind, bool> KindsAndColours() => CorrectedConstructionTests.KindsAndColours();

    [Theory]
    [MemberData(nameof(KindsAndColours))]
    public void SearchByOnnxRuntime_ReturnsTheOraclesPair_AndOurEnginesPasses(ProblemKind kind, bool bichromatic)
    {
        var random = new Random(1700 + (int)kind + (bichromatic ? 50 : 0));
        int trials = Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1" ? 60 : 5;
        for (int trial = 0; trial < trials; trial++)
        {
            int n = 2 + random.Next(24), l = 1 + random.Next(kind.IsCosine() ? 10 : 20);
            double density = 0.1 + (0.8 * random.NextDouble());
            int seed = random.Next();
            bool nonZero = kind.IsCosine() || random.Next(3) != 0;
            var a = InstanceGenerator.RandomBinary(n, l, density, seed, nonZero);
            var instance = bichromatic
                ? SimilarityInstance.Bichromatic(a, InstanceGenerator.RandomBinary(1 + random.Next(24), l, density, seed + 1, nonZero))
                : SimilarityInstance.Monochromatic(a);
            var expected = BruteForce.Instance.Solve(instance, kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind));
            var onnx = PairSearch.Solve(instance, kind, construction =>
            {
                using var runner = new OnnxTransformerRunner(construction);
                return runner.Run(construction.EncodeRaw(instance)).Attention;
            });
            var own = PairSearch.Solve(instance, kind);
            string how = $"trial {trial}: n = {n}, l = {l}, seed {seed}, {(bichromatic ? "bichromatic" : "mono")}";
            Assert.True(expected.Found == onnx.Answer.Found, $"{how}: found {onnx.Answer.Found}, oracle {expected.Found}");
            Assert.True((expected.I, expected.J) == (onnx.Answer.I, onnx.Answer.J), $"{how}: ONNX Runtime pair ({onnx.Answer.I}, {onnx.Answer.J}), oracle ({expected.I}, {expected.J})");
            Assert.Equal(own.ForwardPasses, onnx.ForwardPasses);
        }
    }
}
