using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Exactness;

/// <summary>
/// Each slip of the paper (paper.md 4.3, 7) as a named test: the version as transcribed fails on a concrete instance,
/// the shipped fix answers it. (Before issue 13 these were pinned only through random oracle-agreement tests.)
/// </summary>
public sealed class PaperSlipTests
{
    private static readonly ConstructionOptions AsWritten = new() { Variant = ConstructionVariant.AsWritten };

    [Fact]
    public void LemmaD3_L1Normalisation_AsTranscribed_AnswersWrong_L2Fix_AnswersRight()
    {
        // (1,1,1,0), (0,1,1,1): cos = 2/3, but with x / ||x||_1 the inner product is 2/9. LSD_t at t = 0.6 is "no"
        // (2/3 > 0.6); the l1 map makes the pair look like a witness (2/9 <= every threshold near 0.6).
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1110", "0111"));
        var problem = Problem.WithThreshold(ProblemKind.Lsd, new Rational(3, 5));
        Assert.False(BruteForce.Instance.Solve(instance, problem).Found);
        var c = TransformerConstructions.Create(problem, instance, AsWritten);

        // D.3 as transcribed: g (x / ||x||_1, 1) + (1 - g) (0_l, x[l] - 1) (HEAD's sentinel handling kept, so only the
        // norm differs).
        int l = 4;
        var l1 = new RowMap(l, l + 1, (x, y) =>
        {
            double g = Math.Clamp(2 - x[l - 1], 0, 1), norm = 0;
            foreach (double v in x) norm += Math.Abs(v);
            norm = Math.Max(norm, 0.5);
            for (int k = 0; k < l; k++) y[k] = g * x[k] / norm;
            y[l] = g + ((1 - g) * (x[l - 1] - 1));
        });
        var transcribed = new Transformer(l1, c.Weights, c.Phi2);
        Assert.True(transcribed.Evaluate(c.EncodeRaw(instance), AttentionEngine.Default) >= 0.5); // wrong "yes"
        Assert.True(c.ToTransformer().Evaluate(c.EncodeRaw(instance), AttentionEngine.Default) < 0.5); // l2: right "no"
    }

    [Fact]
    public void MinIpSentinelSign_AsTranscribed_AnswersWrong_PositiveSentinel_AnswersRight()
    {
        // (1,0,0), (0,1,0): inner product 0 <= 1, Min-IP_1 is "yes". The first transcription's sentinel
        // x_{n+1} = (0_l, -(t+1)) scores -lambda * (-(t+1)) = +lambda (t+1) against every document under M = -lambda I,
        // above every document pair, so every o_i is ~0 and phi2 says "no".
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("100", "010"));
        var problem = Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(1));
        Assert.True(BruteForce.Instance.Solve(instance, problem).Found);
        var c = TransformerConstructions.Create(problem, instance, AsWritten);
        var input = c.Build(instance);
        Assert.Equal(2.0, input.X[2, 3]); // HEAD: tau_t = (0_l, t + 1)
        Assert.True(c.Decide(AttentionEngine.Default.Forward(input.X, input.Weights)));

        input.X[2, 3] = -2.0; // the transcription's -(t + 1)
        Assert.False(c.Decide(AttentionEngine.Default.Forward(input.X, input.Weights)));
    }

    [Fact]
    public void AsWrittenMinIp_AllZeroInput_IsTheDocumentedLimitation()
    {
        // Values ||v||_1 = 0 for every document: o_i = 0 whatever the weights (paper.md 4.3.1's OV edge case, which
        // Thm C.1's Min-IP shares). Documented in ConstructionVariant.AsWritten; the corrected values 1 + ||v||_1 fix it.
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("000", "000", "000"));
        var problem = Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(1));
        var c = TransformerConstructions.Create(problem, instance, AsWritten);
        var input = c.Build(instance);
        var output = AttentionEngine.Default.Forward(input.X, input.Weights);
        for (int i = 0; i < 3; i++) Assert.Equal(0.0, output[i, 0]);
        Assert.False(c.Decide(output));
        Assert.True(TransformerConstructions.Create(problem, instance).Decide(instance, AttentionEngine.Default));
    }
}
