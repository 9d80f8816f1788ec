using System.Diagnostics;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Model;
using Subquad.Learn.Ops;
using Subquad.Learn.Tasks;

namespace Subquad.Learn.Training;

/// <summary>
/// The training loop: fresh batches from the task each step (seeded), cross-entropy on the labelled tokens,
/// backward, global gradient clipping, AdamW with warm-up plus cosine. A non-finite loss or gradient stops the run
/// and marks it diverged; it is never averaged in. Each run keeps one <see cref="TensorPool"/>: a step's activations,
/// gradients and scratch go back to it once the optimiser has stepped, and the next step (same shapes) reuses them
/// (bit for bit the same arithmetic as fresh arrays; it saves the allocation, page faults and collections).
/// </summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="task"/>; <paramref name="onStep"/> sees (step, loss).</summary>
    public static TrainingResult Train(SequenceModel model, ISequenceTask task, TrainingConfig config, CancellationToken cancellationToken = default, Action<int, float>? onStep = null)
    {
        var rng = new Random(config.Seed);
        var optimiser = new AdamW(model.Parameters, config.WeightDecay);
        var schedule = new LearningRateSchedule(config.LearningRate, config.Steps, Math.Max(1, (int)(config.Steps * config.WarmupFraction)));
        var losses = new List<float>(config.Steps);
        var clock = Stopwatch.StartNew();
        var pool = new TensorPool();
        for (int step = 0; step < config.Steps; step++)
        {
            if (cancellationToken.IsCancellationRequested) return new(step, losses, false, clock.Elapsed.TotalMilliseconds, true);
            var batch = task.Sample(rng, config.Batch);
            var tape = new Tape(pool);
            var logits = model.Forward(tape, batch.Inputs, batch.Batch, batch.Length);
            var loss = CrossEntropy.Apply(tape, logits, batch.Targets);
            float value = loss.Data[0];
            losses.Add(value);
            onStep?.Invoke(step, value);
            if (!float.IsFinite(value)) return new(step + 1, losses, true, clock.Elapsed.TotalMilliseconds, false);
            tape.Backward(loss);
            if (double.IsNaN(AdamW.ClipGradients(model.Parameters, config.ClipNorm))) return new(step + 1, losses, true, clock.Elapsed.TotalMilliseconds, false);
            optimiser.Step(schedule.At(step));
            tape.Release();
        }

        return new(config.Steps, losses, false, clock.Elapsed.TotalMilliseconds, false);
    }

    /// <summary>
    /// Trains through <paramref name="stages"/> in order (a curriculum, e.g. the same task at n = 4, 8, ..., N): each stage
    /// is a full run of its own step budget with its own warm-up and cosine (the optimiser's moments restart with it, so a
    /// longer sequence starts from the weights, not from a schedule tail at 10% of the peak). Returns the concatenated
    /// losses; a diverged or cancelled stage ends the curriculum there.
    /// </summary>
    public static TrainingResult Train(SequenceModel model, IReadOnlyList<(ISequenceTask Task, int Steps, int Batch)> stages, TrainingConfig config, CancellationToken cancellationToken = default, Action<int, float>? onStep = null)
    {
        if (stages.Count == 0) throw new ArgumentException("a curriculum needs at least one stage", nameof(stages));
        var losses = new List<float>();
        double ms = 0;
        int offset = 0;
        for (int s = 0; s < stages.Count; s++)
        {
            var (task, steps, batch) = stages[s];
            int before = offset;
            var r = Train(model, task, config with { Steps = steps, Batch = batch, Seed = config.Seed + 7919 * s }, cancellationToken, onStep is null ? null : (step, loss) => onStep(before + step, loss));
            losses.AddRange(r.Losses);
            ms += r.TrainTimeMs;
            offset += r.Steps;
            if (r.Diverged || r.Cancelled) return new(offset, losses, r.Diverged, ms, r.Cancelled);
        }

        return new(offset, losses, false, ms, false);
    }

    /// <summary>
    /// The doubling curriculum ending at <paramref name="n"/>: sizes 4, 8, ... below n, then n (n alone when n ≤ 4).
    /// The final size gets <paramref name="finalShare"/> of the steps and the earlier sizes share the rest equally; every
    /// stage sees about the same number of labelled tokens per step (batch × n / size sequences), because at small n a
    /// batch of <paramref name="batch"/> sequences holds too few labels for a gradient whose sign can be trusted.
    /// </summary>
    public static IReadOnlyList<(int Size, int Steps, int Batch)> DoublingCurriculum(int n, int steps, int batch, double finalShare = 0.5)
    {
        var sizes = new List<int>();
        for (int s = 4; s < n; s *= 2) sizes.Add(s);
        if (sizes.Count == 0) return [(n, steps, batch)];
        int final = Math.Max(1, (int)Math.Round(steps * finalShare));
        int each = Math.Max(1, (steps - final) / sizes.Count);
        var stages = sizes.Select(s => (s, each, (int)Math.Min(4096L, (long)batch * n / s))).ToList();
        stages.Add((n, steps - each * sizes.Count, batch));
        return stages;
    }

    /// <summary>Accuracy on <paramref name="sequences"/> held-out sequences drawn from <paramref name="seed"/>.</summary>
    public static Evaluation Evaluate(SequenceModel model, ISequenceTask task, int sequences, int seed, int batch = 50)
    {
        var rng = new Random(seed);
        long tokensCorrect = 0, tokens = 0;
        int seqCorrect = 0, done = 0;
        var pool = new TensorPool();
        while (done < sequences)
        {
            int b = Math.Min(batch, sequences - done);
            var data = task.Sample(rng, b);
            var tape = new Tape(pool);
            var logits = model.Forward(tape, data.Inputs, b, data.Length);
            for (int s = 0; s < b; s++)
            {
                bool all = true;
                for (int t = 0; t < data.Length; t++)
                {
                    int r = s * data.Length + t, target = data.Targets[r];
                    if (target < 0) continue;
                    var row = logits.Row(r);
                    int arg = 0;
                    for (int c = 1; c < row.Length; c++)
                    {
                        if (row[c] > row[arg]) arg = c;
                    }

                    tokens++;
                    if (arg == target) tokensCorrect++;
                    else all = false;
                }

                if (all) seqCorrect++;
            }

            tape.Release();
            done += b;
        }

        return new Evaluation(tokensCorrect, tokens, seqCorrect, sequences);
    }
}
