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
            var (instance, how) = PairSearchTests.RandomInstance(random, kind, bichromatic, maxN: 24, maxL: kind.IsCosine() ? 10 : 20);
            how = $"trial {trial}: {how}";
            var expected = BruteForce.Instance.Solve(instance, kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind));
            var onnx = PairSearch.Solve(instance, kind, construction =>
            {
                using var runner = new OnnxTransformerRunner(construction);
                return runner.Run(construction.EncodeRaw(instance)).Attention;
            });
            var own = PairSearch.Solve(instance, kind);
            Assert.True(expected.Found == onnx.Answer.Found, $"{how}: found {onnx.Answer.Found}, oracle {expected.Found}");
            Assert.True((expected.I, expected.J) == (onnx.Answer.I, onnx.Answer.J), $"{how}: ONNX Runtime pair ({onnx.Answer.I}, {onnx.Answer.J}), oracle ({expected.I}, {expected.J})");
            Assert.Equal(own.ForwardPasses, onnx.ForwardPasses);
        }
    }
}
