using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Ops;
using Subquad.Learn.Tasks;
using Subquad.Learn.Training;

namespace Subquad.Learn.Tests.Autodiff;

/// <summary>
/// The pooled tape (buffers reused across steps) must compute exactly what fresh arrays compute: a dirty reused buffer
/// that some op forgot to zero, or a buffer handed back while still in use, changes the numbers. So a few training
/// steps of every mixer run twice, once on fresh tapes and once on one pool reused step after step, and the losses and
/// every parameter must agree bit for bit.
/// </summary>
public sealed class TensorPoolTests
{
    [Theory]
    [InlineData("attention", false, null)]
    [InlineData("attention", true, 1.0)]
    [InlineData("window", false, null)]
    [InlineData("based", false, null)]
    [InlineData("mamba", false, null)]
    [InlineData("deltanet", false, null)]
    public void Pooled_steps_match_fresh_steps_bit_for_bit(string mixer, bool qkNorm, double? logitScale)
    {
        Assert.True(MixerKinds.TryParse(mixer, out var kind));
        var task = new PartnerRecallTask(PartnerFamily.Ov, 9);
        var spec = new MixerSpec(kind, Width: 32, Heads: 2, Window: 4, QkNorm: qkNorm, LogitScale: logitScale);
        var config = new ModelConfig(task.InputDim, task.Classes, 2, spec, task.Length, ModelConfig.PositionsFor(kind));
        var fresh = new SequenceModel(config, seed: 3);
        var pooled = new SequenceModel(config, seed: 3);
        var freshOpt = new AdamW(fresh.Parameters);
        var pooledOpt = new AdamW(pooled.Parameters);
        var pool = new TensorPool();
        var rng = new Random(5);
        for (int step = 0; step < 4; step++)
        {
            // Batch size changes once, so the pool also serves shapes it has not seen.
            var batch = task.Sample(rng, step == 2 ? 5 : 4);
            float a = Step(fresh, freshOpt, new Tape(), batch);
            var tape = new Tape(pool);
            float b = Step(pooled, pooledOpt, tape, batch);
            tape.Release();
            Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(b));
        }

        Assert.True(pool.Reused > 0, "the pool never reused a buffer");
        for (int p = 0; p < fresh.Parameters.Count; p++)
        {
            Assert.Equal(fresh.Parameters[p].Name, pooled.Parameters[p].Name);
            Assert.True(fresh.Parameters[p].Value.Data.AsSpan().SequenceEqual(pooled.Parameters[p].Value.Data), $"{mixer}: parameter {fresh.Parameters[p].Name} differs after pooled steps");
        }
    }

    [Fact]
    public void Rent_is_zeroed_and_exact_length()
    {
        var pool = new TensorPool();
        var a = pool.Rent(1000);
        Assert.Equal(1000, a.Length);
        Array.Fill(a, 7f);
        pool.Return(a);
        var b = pool.Rent(1000);
        Assert.Same(a, b);
        Assert.All(b, v => Assert.Equal(0f, v));
        Assert.Equal(1, pool.Reused);
        Assert.Equal(1000, pool.Rent(999).Length + 1); // another length is a new array
        Assert.Empty(pool.Rent(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(-1));
    }

    [Fact]
    public void A_released_output_holds_no_values_and_parameters_are_untouched()
    {
        var pool = new TensorPool();
        var w = new Tensor(3, 2, [1, 2, 3, 4, 5, 6], requiresGrad: true, name: "w");
        var x = new Tensor(4, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
        var tape = new Tape(pool);
        var y = Linear.Apply(tape, x, w);
        tape.Backward(y, Enumerable.Repeat(1f, 8).ToArray());
        Assert.Equal(8, y.Data.Length);
        var dw = w.Grad!.ToArray();
        tape.Release();
        // The output is emptied (a stale read fails instead of seeing the next step's numbers) ...
        Assert.Empty(y.Data);
        Assert.Null(y.Grad);
        Assert.ThrowsAny<ArgumentException>(() => y.Row(0).ToArray());
        // ... and the parameter keeps its values and its gradient for the optimiser.
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, w.Data);
        Assert.Equal(dw, w.Grad);
        Assert.Equal(new float[] { 2, 2, 2, 2, 2, 2 }, dw);
        // Release twice is harmless, and a tape without a pool releases nothing.
        tape.Release();
        var plain = new Tape();
        var z = Linear.Apply(plain, x, w);
        plain.Release();
        Assert.Equal(8, z.Data.Length);
    }

    [Fact]
    public void Trainer_results_do_not_depend_on_pooling()
    {
        // Trainer.Train pools; the same steps on fresh tapes (the code before the pool) give the same losses.
        var task = new PartnerRecallTask(PartnerFamily.Ov, 8);
        var config = new ModelConfig(task.InputDim, task.Classes, 2, new MixerSpec(MixerKind.Attention, 32, LogitScale: 1), task.Length, Positions: true);
        var trained = new SequenceModel(config, seed: 1);
        var training = new TrainingConfig(6, 8, 3e-3, Seed: 4, WeightDecay: 0);
        var result = Trainer.Train(trained, task, training);
        var manual = new SequenceModel(config, seed: 1);
        var optimiser = new AdamW(manual.Parameters, 0);
        var schedule = new LearningRateSchedule(training.LearningRate, training.Steps, Math.Max(1, (int)(training.Steps * training.WarmupFraction)));
        var rng = new Random(training.Seed);
        for (int step = 0; step < training.Steps; step++)
        {
            var batch = task.Sample(rng, training.Batch);
            var tape = new Tape();
            var loss = CrossEntropy.Apply(tape, manual.Forward(tape, batch.Inputs, batch.Batch, batch.Length), batch.Targets);
            Assert.Equal(BitConverter.SingleToInt32Bits(result.Losses[step]), BitConverter.SingleToInt32Bits(loss.Data[0]));
            tape.Backward(loss);
            AdamW.ClipGradients(manual.Parameters, training.ClipNorm);
            optimiser.Step(schedule.At(step));
        }
    }

    private static float Step(SequenceModel model, AdamW optimiser, Tape tape, SequenceBatch batch)
    {
        var loss = CrossEntropy.Apply(tape, model.Forward(tape, batch.Inputs, batch.Batch, batch.Length), batch.Targets);
        float value = loss.Data[0];
        tape.Backward(loss);
        AdamW.ClipGradients(model.Parameters, 1.0);
        optimiser.Step(1e-2);
        return value;
    }
}
