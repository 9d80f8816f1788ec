using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Tasks;
using Subquad.Learn.Training;

namespace Subquad.Learn.Tests.Model;

/// <summary>
/// The block we train can hold the paper's one-head solution: <see cref="AttentionConstruction"/>'s hand-set weights
/// answer causal partner recall on held-out balanced sequences with a Wilson 95% lower bound ≥ 0.99, while the same
/// block at its random initialisation, and the construction with its sentinel moved off the threshold, do not.
/// </summary>
public sealed class AttentionConstructionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ov", 16, 64, 1000)]
    [InlineData("ov", 64, 64, 300)]
    [InlineData("ov", 256, 64, 60)]
    [InlineData("lsd", 16, 64, 1000)]
    [InlineData("lsd", 64, 64, 300)]
    [InlineData("ov", 16, 96, 300)] // width above l: the extra columns stay zero
    public void Hand_set_weights_solve_partner_recall(string family, int n, int width, int sequences)
    {
        LearnThreads.Max = 2;
        var task = new PartnerRecallTask(PartnerFamily.Parse(family), n);
        var model = Model(task, width);
        AttentionConstruction.Apply(model, task.Family);
        var eval = Trainer.Evaluate(model, task, sequences, seed: 77);
        double low = WilsonLow(eval.TokensCorrect, eval.Tokens);
        output.WriteLine($"{family} n={n} D={width}: {eval.TokensCorrect}/{eval.Tokens} tokens, Wilson low {low:F4}, sequences {eval.SequencesCorrect}/{eval.Sequences}");
        Assert.True(low >= 0.99, $"{eval.TokensCorrect}/{eval.Tokens}");
    }

    [Fact]
    public void Random_initialisation_and_a_misplaced_sentinel_are_near_chance()
    {
        LearnThreads.Max = 2;
        var task = new PartnerRecallTask(PartnerFamily.Ov, 16);
        var random = Trainer.Evaluate(Model(task, 64), task, 300, seed: 77);
        output.WriteLine($"random init: {random.TokensCorrect}/{random.Tokens}");
        Assert.True(random.TokensCorrect < 0.6 * random.Tokens);

        // A sentinel that scores like a document with ip = 4.5 (the construction's m is τ + ½ = 0.5) outbids partners
        // only rarely; answering "yes" for most documents drops accuracy towards the always-yes control.
        var shifted = Model(task, 64);
        AttentionConstruction.Apply(shifted, new PartnerFamily(Subquad.Core.Problems.ProblemKind.Ov, 64, 16, 4), margin: 12);
        var eval = Trainer.Evaluate(shifted, task, 300, seed: 77);
        output.WriteLine($"sentinel at ip = 4.5: {eval.TokensCorrect}/{eval.Tokens}");
        Assert.True(eval.TokensCorrect < 0.8 * eval.Tokens);
    }

    [Fact]
    public void Msd_is_refused_because_self_passes_its_test()
    {
        var task = new PartnerRecallTask(PartnerFamily.Msd, 8);
        Assert.Throws<NotSupportedException>(() => AttentionConstruction.Apply(Model(task, 64), task.Family));
    }

    private static SequenceModel Model(PartnerRecallTask task, int width) =>
        new(new ModelConfig(task.InputDim, task.Classes, 2, new MixerSpec(MixerKind.Attention, width, Heads: 1), task.Length, Positions: true), seed: 3);

    private static double WilsonLow(long k, long n)
    {
        const double z = 1.959963984540054;
        double p = (double)k / n, den = 1 + z * z / n;
        return (p + z * z / (2 * n) - z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n))) / den;
    }
}
