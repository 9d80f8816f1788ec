using System.Diagnostics;
using System.Text.Json;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Tasks;
using Subquad.Learn.Training;

namespace Subquad.Lab.Zoo;

/// <summary>
/// Runs a zoo sweep. Each finished run is appended to DIR/runs.jsonl at once, so Ctrl-C loses only the run in
/// progress and a rerun skips what is there. Runs that cannot be supported are skipped up front with one line naming
/// them: a state smaller than one document, or activations beyond the memory budget.
/// </summary>
public sealed class ZooRunner(ZooExperiment experiment, string directory)
{
    /// <summary>Activation memory one run may use (the machine is shared: about 3 GB per process).</summary>
    public const long MemoryBudgetBytes = 2L << 30;

    /// <summary>The append-only log of finished runs.</summary>
    public string RunsPath => Path.Combine(directory, "runs.jsonl");

    /// <summary>Runs the sweep; cancellation stops between training steps and keeps every finished run.</summary>
    public ZooResult Run(IProgress<ZooProgress>? progress, CancellationToken cancellationToken)
    {
        experiment.Validate();
        Directory.CreateDirectory(directory);
        var clock = Stopwatch.StartNew();
        int keepThreads = LearnThreads.Max;
        LearnThreads.Max = experiment.Threads;
        try
        {
            var rows = LoadFinished();
            var done = rows.Select(r => r.Key).ToHashSet();
            var runs = experiment.Runs().ToList();
            var skipped = new List<string>();
            var controls = new List<ZooControl>();
            var testSets = new Dictionary<(string, string, int), (PartnerRecallTask Task, int Seed)>();
            int finished = runs.Count(done.Contains);
            bool completed = true;
            foreach (var key in runs)
            {
                var task = new PartnerRecallTask(PartnerFamily.Parse(key.Family), key.N, key.Task == "decision");
                int testSeed = experiment.DataSeed + 7919 * key.N + 104729 * (key.Task.Length + 3 * Array.IndexOf(["ov", "lsd", "msd"], key.Family));
                if (!testSets.ContainsKey((key.Task, key.Family, key.N)))
                {
                    testSets[(key.Task, key.Family, key.N)] = (task, testSeed);
                    controls.AddRange(Controls(task, key, testSeed));
                }

                if (done.Contains(key)) continue;
                if (cancellationToken.IsCancellationRequested)
                {
                    completed = false;
                    break;
                }

                MixerKinds.TryParse(key.Mixer, out var kind);
                var config = new ModelConfig(task.InputDim, task.Classes, experiment.Layers,
                    new MixerSpec(kind, key.Width, experiment.Heads, experiment.Window), task.Length, ModelConfig.PositionsFor(kind));
                var model = new SequenceModel(config, key.Seed);
                var state = model.State(task.Length);
                if (state.Bits < task.Family.BitsPerDocument)
                {
                    skipped.Add($"{key}: state of {state.Bits} bits cannot hold one document ({task.Family.BitsPerDocument:F0} bits)");
                    continue;
                }

                long memory = ActivationBytes(kind, key.Width, task.Length, experiment);
                if (memory > MemoryBudgetBytes)
                {
                    skipped.Add($"{key}: needs about {memory >> 20} MiB of activations, over the {MemoryBudgetBytes >> 20} MiB budget (lower batch or n)");
                    continue;
                }

                string stage = key.ToString();
                progress?.Report(new ZooProgress(finished, runs.Count, stage));
                var training = Trainer.Train(model, task, new TrainingConfig(experiment.Steps, experiment.Batch, key.Lr, key.Seed * 1_000_003 + key.N), cancellationToken,
                    (step, loss) =>
                    {
                        if (step % 25 == 0) progress?.Report(new ZooProgress(finished, runs.Count, $"{stage}: step {step}/{experiment.Steps}, loss {loss:F3}"));
                    });
                if (training.Cancelled)
                {
                    completed = false;
                    break;
                }

                var validation = training.Diverged ? null : Trainer.Evaluate(model, task, experiment.ValidationSequences, testSeed + 1);
                var test = training.Diverged ? null : Trainer.Evaluate(model, task, experiment.TestSequences, testSeed);
                var row = new ZooRow
                {
                    Task = key.Task, Family = key.Family, N = key.N, Mixer = key.Mixer, Width = key.Width, Layers = experiment.Layers,
                    StateNumbers = state.Numbers, StateBits = state.Bits, StateFormula = state.Formula, Seed = key.Seed, Lr = key.Lr,
                    Steps = training.Steps, Batch = experiment.Batch, Parameters = model.ParameterCount, Diverged = training.Diverged,
                    FinalLoss = training.Diverged ? double.NaN : training.FinalLoss,
                    ValidationRate = validation is null ? double.NaN : (double)validation.TokensCorrect / validation.Tokens,
                    Accuracy = test is null ? Proportion.Of(0, 0) : Proportion.Of(test.TokensCorrect, test.Tokens),
                    SequenceAccuracy = test is null ? Proportion.Of(0, 0) : Proportion.Of(test.SequencesCorrect, test.Sequences),
                    TrainTimeMs = training.TrainTimeMs,
                };
                if (training.Diverged) skipped.Add($"{key}: diverged (non-finite loss at step {training.Steps}); marked, not averaged in");
                File.AppendAllText(RunsPath, JsonSerializer.Serialize(row, Compact) + "\n");
                rows.Add(row);
                finished++;
                progress?.Report(new ZooProgress(finished, runs.Count, $"{stage}: {row.Accuracy.Rate:P1}"));
            }

            MarkSelected(rows);
            return new ZooResult(experiment, rows, controls, skipped, completed, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            LearnThreads.Max = keepThreads;
        }
    }

    private static readonly JsonSerializerOptions Compact = new(ZooExperiment.JsonOptions) { WriteIndented = false };

    /// <summary>Marks, per (task, family, n, mixer, width, seed), the non-diverged run with the best validation accuracy.</summary>
    public static void MarkSelected(IReadOnlyList<ZooRow> rows)
    {
        foreach (var group in rows.GroupBy(r => (r.Task, r.Family, r.N, r.Mixer, r.Width, r.Seed)))
        {
            foreach (var r in group) r.Selected = false;
            var best = group.Where(r => !r.Diverged).OrderByDescending(r => r.ValidationRate).ThenBy(r => r.Lr).FirstOrDefault();
            if (best is not null) best.Selected = true;
        }
    }

    private List<ZooRow> LoadFinished()
    {
        var rows = new List<ZooRow>();
        if (!File.Exists(RunsPath)) return rows;
        var planned = experiment.Runs().ToHashSet();
        foreach (string line in File.ReadAllLines(RunsPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var row = JsonSerializer.Deserialize<ZooRow>(line, Compact);
                if (row is not null && planned.Contains(row.Key) && rows.All(r => r.Key != row.Key)) rows.Add(row);
            }
            catch (JsonException)
            {
                // A line cut by a kill mid-write: that run is simply redone.
            }
        }

        return rows;
    }

    private List<ZooControl> Controls(PartnerRecallTask task, ZooRunKey key, int testSeed)
    {
        var rng = new Random(testSeed);
        long yes = 0, tokens = 0;
        int allYes = 0, allNo = 0;
        int left = experiment.TestSequences;
        while (left > 0)
        {
            int b = Math.Min(50, left);
            var batch = task.Sample(rng, b);
            for (int s = 0; s < b; s++)
            {
                var labels = batch.Targets.AsSpan(s * batch.Length, batch.Length).ToArray().Where(t => t >= 0).ToList();
                yes += labels.Count(t => t == 1);
                tokens += labels.Count;
                if (labels.All(t => t == 1)) allYes++;
                if (labels.All(t => t == 0)) allNo++;
            }

            left -= b;
        }

        return
        [
            new ZooControl(key.Task, key.Family, key.N, "always-yes", Proportion.Of(yes, tokens), Proportion.Of(allYes, experiment.TestSequences)),
            new ZooControl(key.Task, key.Family, key.N, "always-no", Proportion.Of(tokens - yes, tokens), Proportion.Of(allNo, experiment.TestSequences)),
        ];
    }

    /// <summary>Rough peak activation bytes of one training step (what the tape keeps).</summary>
    public static long ActivationBytes(MixerKind kind, int width, int length, ZooExperiment e)
    {
        long tokens = (long)e.Batch * length;
        long perLayer = tokens * width * 24; // projections, norms, MLP
        perLayer += kind switch
        {
            MixerKind.Attention => (long)e.Batch * e.Heads * length * length,
            MixerKind.SlidingWindow => (long)e.Batch * e.Heads * length * length,
            MixerKind.Mamba => tokens * 2 * width * 16 + tokens * 2 * width * 8,
            MixerKind.GatedDeltaNet => tokens * width * (width / e.Heads),
            _ => tokens * width * 4,
        };
        return perLayer * e.Layers * sizeof(float);
    }
}
