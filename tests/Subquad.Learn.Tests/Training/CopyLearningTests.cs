using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Tasks;
using Subquad.Learn.Training;

namespace Subquad.Learn.Tests.Training;

/// <summary>
/// Every mixer learns the tiny copy task (4 symbols of 4, 2 layers, width 32) to 100% of 200 held-out sequences
/// within a fixed step budget. A model that learned nothing scores about 4^-4 of sequences.
/// </summary>
public sealed class CopyLearningTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("attention", 300, 3e-3)]
    [InlineData("window", 300, 3e-3)]
    [InlineData("based", 300, 3e-3)]
    [InlineData("mamba", 300, 3e-3)]
    [InlineData("deltanet", 300, 3e-3)]
    public void Mixer_learns_the_copy_task(string mixer, int steps, double lr)
    {
        Assert.True(MixerKinds.TryParse(mixer, out var kind));
        var task = new CopyTask(symbols: 4, vocabulary: 4);
        var spec = new MixerSpec(kind, Width: 32, Heads: 2, Window: task.Length);
        var model = new SequenceModel(new ModelConfig(task.InputDim, task.Classes, 2, spec, task.Length, ModelConfig.PositionsFor(kind)), seed: 1);
        var result = Trainer.Train(model, task, new TrainingConfig(steps, 32, lr, Seed: 2));
        var eval = Trainer.Evaluate(model, task, 200, seed: 99);
        output.WriteLine($"{mixer}: loss {result.FinalLoss:F4}, tokens {eval.TokensCorrect}/{eval.Tokens}, sequences {eval.SequencesCorrect}/{eval.Sequences}, {result.TrainTimeMs:F0} ms");
        Assert.False(result.Diverged);
        Assert.Equal(eval.Sequences, eval.SequencesCorrect);
    }
}
