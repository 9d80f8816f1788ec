using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Tasks;
using Subquad.Learn.Training;

namespace Subquad.Learn.Tests.Training;

/// <summary>
/// Trained attention (random init, never the construction) on OV causal partner recall, the issue's main task. The
/// default run checks that it learns the orthogonality test at n = 4 far above chance (the task is balanced per
/// position, so always-yes and always-no score 0.5); SUBQUAD_LONG_TESTS=1 checks the issue's bar at n = 16, 32, 64 and 128: a
/// Wilson 95% lower bound of at least 0.99 on 1,000 held-out sequences (docs/learn.md records the measured runs:
/// n = 16 0.9975 [0.9966, 0.9982], n = 32 30994/31000 [0.9996, 0.9999], n = 64 62993/63000 [0.9998, 0.9999], n = 128
/// 126987/127000 [0.9998, 0.9999], and where the rest of the sweep stands).
/// </summary>
public sealed class PartnerRecallLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Attention_with_a_learned_temperature_learns_ov_partner_recall_at_n4()
    {
        var task = new PartnerRecallTask(PartnerFamily.Ov, 4);
        var model = Model(task, width: 64);
        var result = Trainer.Train(model, task, new TrainingConfig(1000, 128, 3e-3, Seed: 11, WeightDecay: 0));
        var eval = Trainer.Evaluate(model, task, 300, seed: 12345);
        double low = WilsonLow(eval.TokensCorrect, eval.Tokens);
        output.WriteLine($"n = 4: tokens {eval.TokensCorrect}/{eval.Tokens} (Wilson low {low:F4}), sequences {eval.SequencesCorrect}/{eval.Sequences}, loss {result.FinalLoss:F4}, {result.TrainTimeMs:F0} ms");
        Assert.False(result.Diverged);
        // Chance is 0.5; a model that has not learned the test (the saddle at init) stays there.
        Assert.True(low >= 0.75, $"token accuracy {eval.TokensCorrect}/{eval.Tokens}: Wilson low {low:F4} < 0.75");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    public void Attention_reaches_the_issue_bound(int n)
    {
        if (Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") != "1") Assert.Skip($"long run: set SUBQUAD_LONG_TESTS=1 (n = {n}: about {(n switch { 16 => 2, 32 => 4, 64 => 7, 128 => 12, _ => 25 })} CPU-minutes with the pooled tape)");
        var task = new PartnerRecallTask(PartnerFamily.Ov, n);
        var model = Model(task, LongWidth, maxLength: 600); // 600 positions as in the measured runs (the table's size moves the init draws)
        var stages = Trainer.DoublingCurriculum(n, LongSteps, 32).Select(s => ((ISequenceTask)new PartnerRecallTask(task.Family, s.Size), s.Steps, s.Batch)).ToList();
        var result = Trainer.Train(model, stages, new TrainingConfig(LongSteps, 32, 3e-3, Seed: 11, WeightDecay: 0));
        var eval = Trainer.Evaluate(model, task, 1000, seed: 12345);
        double low = WilsonLow(eval.TokensCorrect, eval.Tokens);
        output.WriteLine($"n = {n}: tokens {eval.TokensCorrect}/{eval.Tokens} (Wilson low {low:F4}), sequences {eval.SequencesCorrect}/{eval.Sequences}, {result.TrainTimeMs:F0} ms");
        Assert.False(result.Diverged);
        Assert.True(low >= 0.99, $"n = {n}: token accuracy {eval.TokensCorrect}/{eval.Tokens}: Wilson low {low:F4} < 0.99 (the issue's bar)");
    }

    /// <summary>
    /// The zoo's default budget (session e): 1,000 steps of 2,048 labelled tokens (max(1, 2048 / n) sequences at n, the
    /// curriculum scaling earlier stages), lr 3e-3, width 128, three model seeds at the largest n. The measured pilots
    /// (docs/learn.md, "What a step should hold"): n = 16 0.9997, n = 512 0.9990 / 0.9993 / 0.9994 for seeds 1 / 2 / 3.
    /// </summary>
    [Theory]
    [InlineData(16, 1)]
    [InlineData(512, 1)]
    [InlineData(512, 2)]
    [InlineData(512, 3)]
    public void Attention_reaches_the_issue_bound_with_the_zoo_budget(int n, int seed)
    {
        if (Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") != "1") Assert.Skip($"long run: set SUBQUAD_LONG_TESTS=1 (n = {n}, seed {seed}: about 1.5 CPU-minutes)");
        var task = new PartnerRecallTask(PartnerFamily.Ov, n);
        var model = new SequenceModel(new ModelConfig(task.InputDim, task.Classes, 2, new MixerSpec(MixerKind.Attention, LongWidth, Heads: 1, LogitScale: 1), 600, Positions: true), seed);
        int batch = Math.Max(1, 2048 / n);
        var stages = Trainer.DoublingCurriculum(n, 1000, batch).Select(s => ((ISequenceTask)new PartnerRecallTask(task.Family, s.Size), s.Steps, s.Batch)).ToList();
        var result = Trainer.Train(model, stages, new TrainingConfig(1000, batch, 3e-3, Seed: 10 + seed, WeightDecay: 0));
        var eval = Trainer.Evaluate(model, task, 1000, seed: 12345);
        double low = WilsonLow(eval.TokensCorrect, eval.Tokens);
        output.WriteLine($"n = {n}, seed {seed}: tokens {eval.TokensCorrect}/{eval.Tokens} (Wilson low {low:F4}), sequences {eval.SequencesCorrect}/{eval.Sequences}, {result.TrainTimeMs:F0} ms");
        Assert.False(result.Diverged);
        Assert.True(low >= 0.99, $"n = {n}, seed {seed}: token accuracy {eval.TokensCorrect}/{eval.Tokens}: Wilson low {low:F4} < 0.99 (the issue's bar)");
    }

    private const int LongWidth = 128, LongSteps = 6000;

    private static SequenceModel Model(PartnerRecallTask task, int width, int? maxLength = null) =>
        new(new ModelConfig(task.InputDim, task.Classes, 2, new MixerSpec(MixerKind.Attention, width, Heads: 1, LogitScale: 1), maxLength ?? task.Length, Positions: true), seed: 1);

    private static double WilsonLow(long k, long n)
    {
        const double z = 1.959963984540054;
        double p = (double)k / n, den = 1 + z * z / n;
        return (p + z * z / (2 * n) - z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n))) / den;
    }
}
