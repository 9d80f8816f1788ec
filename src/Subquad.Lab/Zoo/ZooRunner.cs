using System.Diagnostics;
using System.Text.Json;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;
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
            var onePass = new List<ZooOnePassPoint>();
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
                    onePass.AddRange(OnePassCurve(task, key.Task, testSeed, Math.Min(OnePassSequences, experiment.TestSequences)));
                }

                if (done.Contains(key)) continue;
                if (cancellationToken.IsCancellationRequested)
                {
                    completed = false;
                    break;
                }

                MixerKinds.TryParse(key.Mixer, out var kind);
                var config = new ModelConfig(task.InputDim, task.Classes, experiment.Layers,
                    new MixerSpec(kind, key.Width, experiment.Heads, experiment.Window, QkNorm: experiment.QkNorm, LogitScale: experiment.LogitScale), task.Length, ModelConfig.PositionsFor(kind));
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
                var trainingConfig = new TrainingConfig(experiment.Steps, experiment.Batch, key.Lr, key.Seed * 1_000_003 + key.N, experiment.WeightDecay);
                var stages = experiment.Curriculum
                    ? Trainer.DoublingCurriculum(key.N, experiment.Steps, experiment.Batch).Select(st => ((ISequenceTask)new PartnerRecallTask(task.Family, st.Size, task.Decision), st.Steps, st.Batch)).ToList()
                    : [(task, experiment.Steps, experiment.Batch)];
                var training = Trainer.Train(model, stages, trainingConfig, cancellationToken,
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
            return new ZooResult(experiment, rows, controls, skipped, completed, clock.Elapsed.TotalSeconds) { OnePass = onePass };
        }
        finally
        {
            LearnThreads.Max = keepThreads;
        }
    }

    /// <summary>Test sequences the one-pass reference curve is measured on (the first ones of the test set).</summary>
    public const int OnePassSequences = 200;

    /// <summary>
    /// The one-pass strategy's accuracy against its state on the first test sequences: K = 0, 1, 2, 4, ... n documents
    /// kept (K·l bits, <see cref="StateLimit.OnePassStrategy.BitsPerVector"/>). Partner recall at position i asks the
    /// strategy about the bichromatic instance (documents before i, document i), so it answers yes exactly when a partner
    /// of i is among the first K documents; the decision asks it about the whole sequence. Labels come from Core.
    /// </summary>
    public static List<ZooOnePassPoint> OnePassCurve(PartnerRecallTask task, string taskName, int testSeed, int sequences)
    {
        var rng = new Random(testSeed);
        var docs = Enumerable.Range(0, sequences).Select(_ => task.Decision ? task.DecisionSequence(rng) : task.RecallSequence(rng)).ToList();
        var labels = docs.Select(task.Labels).ToList();
        var problem = task.Family.Problem;
        int l = task.Family.Dimensions;
        var kept = new List<int> { 0 };
        for (int k = 1; k < task.Documents; k *= 2) kept.Add(k);
        kept.Add(task.Documents);
        var points = new List<ZooOnePassPoint>();
        foreach (int k in kept.Distinct())
        {
            var strategy = new StateLimit.OnePassStrategy((long)k * l);
            long right = 0, total = 0;
            for (int s = 0; s < docs.Count; s++)
            {
                for (int i = 0; i < docs[s].Length; i++)
                {
                    if (labels[s][i] < 0) continue;
                    bool found = task.Decision
                        ? strategy.Run(SimilarityInstance.Monochromatic(Vectors(docs[s], 0, docs[s].Length, l)), problem).Found
                        : strategy.Run(SimilarityInstance.Bichromatic(Vectors(docs[s], 0, i, l), Vectors(docs[s], i, 1, l)), problem).Found;
                    total++;
                    if (found == (labels[s][i] == 1)) right++;
                }
            }

            points.Add(new ZooOnePassPoint(taskName, task.Family.Name, task.Documents, (long)k * l, k, sequences, Proportion.Of(right, total)));
        }

        return points;
    }

    private static BinaryVectors Vectors(ulong[] docs, int start, int count, int l)
    {
        var builder = new BinaryVectors.Builder(count, l);
        for (int i = 0; i < count; i++) builder.RowSpan(i)[0] = docs[start + i];
        return builder.Build();
    }

    /// <summary>The control row of the hand-set construction.</summary>
    public const string HandSetName = "attention, hand-set Thm 4.1 weights (not trained)";

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

        var controls = new List<ZooControl>
        {
            new(key.Task, key.Family, key.N, "always-yes", Proportion.Of(yes, tokens), Proportion.Of(allYes, experiment.TestSequences)),
            new(key.Task, key.Family, key.N, "always-no", Proportion.Of(tokens - yes, tokens), Proportion.Of(allNo, experiment.TestSequences)),
        };

        // What attention can represent, separately from what training finds: the paper's one-head construction written
        // into the same block (width = l, 1 head, not trained), on the same test sequences. OV and LSD partner recall only
        // (for MSD self passes the test; the decision label is not the per-token rule the construction computes).
        if (!task.Decision && task.Family.Kind is Subquad.Core.Problems.ProblemKind.Ov or Subquad.Core.Problems.ProblemKind.Lsd)
        {
            var handSet = new SequenceModel(new ModelConfig(task.InputDim, task.Classes, experiment.Layers, new MixerSpec(MixerKind.Attention, task.Family.Dimensions, 1), task.Length, true), 0);
            AttentionConstruction.Apply(handSet, task.Family);
            var eval = Trainer.Evaluate(handSet, task, experiment.TestSequences, testSeed);
            controls.Add(new(key.Task, key.Family, key.N, HandSetName, Proportion.Of(eval.TokensCorrect, eval.Tokens), Proportion.Of(eval.SequencesCorrect, eval.Sequences)));
        }

        return controls;
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
