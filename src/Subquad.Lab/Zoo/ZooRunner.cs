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

    /// <summary>
    /// Runs the sweep; cancellation stops between training steps and keeps every finished run. Runs go in waves of one
    /// (task, family, n), in ascending n, so an lr selected at a search size is known before the larger sizes start; within
    /// a wave up to <see cref="ZooExperiment.Jobs"/> runs train at once, the costliest first.
    /// </summary>
    public ZooResult Run(IProgress<ZooProgress>? progress, CancellationToken cancellationToken)
    {
        experiment.Validate();
        Directory.CreateDirectory(directory);
        var clock = Stopwatch.StartNew();
        int keepThreads = LearnThreads.Max;
        // LearnThreads is process-wide: with several jobs every run's ops share the same cap.
        LearnThreads.Max = Math.Max(1, experiment.Threads / Jobs);
        try
        {
            var rows = LoadFinished();
            var runs = experiment.Runs().ToList();
            var skipped = new List<string>();
            var controls = new List<ZooControl>();
            var onePass = new List<ZooOnePassPoint>();
            int finished = rows.Count;
            bool completed = true;
            var gate = new object();
            void Report(ZooProgress p)
            {
                if (progress is null) return;
                lock (gate) progress.Report(p);
            }

            foreach (var wave in runs.GroupBy(k => (k.Task, k.Family, k.N)))
            {
                if (!completed) break;
                var (taskName, familyName, n) = wave.Key;
                var task = new PartnerRecallTask(PartnerFamily.Parse(familyName), n, taskName == "decision");
                int testSeed = experiment.DataSeed + 7919 * n + 104729 * (taskName.Length + 3 * Array.IndexOf(["ov", "lsd", "msd"], familyName));
                controls.AddRange(Controls(task, wave.First(), testSeed));
                onePass.AddRange(OnePassCurve(task, taskName, testSeed, Math.Min(OnePassSequences, experiment.TestSequences)));

                var pending = new List<(ZooRunKey Key, MixerKind Kind, SequenceModel Model, StateSize State)>();
                foreach (var planned in wave)
                {
                    var key = planned;
                    if (!double.IsNaN(key.Lr) && rows.Any(r => r.Key == key)) continue; // finished in an earlier invocation
                    MixerKinds.TryParse(key.Mixer, out var kind);
                    var model = new SequenceModel(Config(task, kind, key.Width), key.Seed);
                    var state = model.State(task.Length);
                    if (state.Bits < task.Family.BitsPerDocument)
                    {
                        skipped.Add($"{key}: state of {state.Bits} bits cannot hold one document ({task.Family.BitsPerDocument:F0} bits)");
                        continue;
                    }

                    long memory = ActivationBytes(kind, key.Width, task.Length, experiment) * Jobs;
                    if (memory > MemoryBudgetBytes)
                    {
                        skipped.Add($"{key}: needs about {memory >> 20} MiB of activations{(Jobs > 1 ? $" for {Jobs} jobs" : "")}, over the {MemoryBudgetBytes >> 20} MiB budget (lower tokens_per_step, batch, n or jobs)");
                        continue;
                    }

                    if (double.IsNaN(key.Lr))
                    {
                        double? lr = SelectedLr(rows, key);
                        if (lr is null)
                        {
                            skipped.Add($"{key}: no learning rate to use (every run at the search size diverged or was skipped)");
                            continue;
                        }

                        key = key with { Lr = lr.Value };
                    }

                    if (rows.Any(r => r.Key == key)) continue;
                    pending.Add((key, kind, model, state));
                }

                // Longest first, so the last runs of a wave are short ones and the jobs finish together.
                var order = pending.OrderByDescending(p => CostUnits(p.Kind, p.Key.Width, n)).ToList();
                var options = new ParallelOptions { MaxDegreeOfParallelism = Jobs };
                // NoBuffering hands the runs out one at a time in this order (the default partitioner splits the list into ranges).
                Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(order, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), options, (item, loop) =>
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        loop.Stop();
                        return;
                    }

                    var row = Train(task, item.Key, item.Model, item.State, testSeed, runs.Count, () => Volatile.Read(ref finished), Report, cancellationToken);
                    if (row is null)
                    {
                        loop.Stop();
                        return;
                    }

                    lock (gate)
                    {
                        if (row.Diverged) skipped.Add($"{item.Key}: diverged (non-finite loss at step {row.Steps}); marked, not averaged in");
                        File.AppendAllText(RunsPath, JsonSerializer.Serialize(row, Compact) + "\n");
                        rows.Add(row);
                        finished++;
                    }

                    Report(new ZooProgress(Volatile.Read(ref finished), runs.Count, $"{item.Key}: {row.Accuracy.Rate:P1}"));
                });
                if (cancellationToken.IsCancellationRequested || order.Any(p => !rows.Any(r => r.Key == p.Key))) completed = false;
            }

            // Rows in sweep order whatever order the jobs finished in.
            var position = runs.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
            int Position(ZooRow r) => position.TryGetValue(r.Key, out int i) ? i : position.TryGetValue(r.Key with { Lr = double.NaN }, out i) ? i : int.MaxValue;
            rows = rows.OrderBy(Position).ThenBy(r => r.Lr).ToList();
            MarkSelected(rows);
            return new ZooResult(experiment, rows, controls, skipped, completed, clock.Elapsed.TotalSeconds) { OnePass = onePass };
        }
        finally
        {
            LearnThreads.Max = keepThreads;
        }
    }

    /// <summary>Runs at once: never more than the threads allowed in all.</summary>
    private int Jobs => Math.Max(1, Math.Min(experiment.Jobs, experiment.Threads));

    private ModelConfig Config(PartnerRecallTask task, MixerKind kind, int width) =>
        new(task.InputDim, task.Classes, experiment.Layers,
            new MixerSpec(kind, width, experiment.Heads, experiment.Window, QkNorm: experiment.QkNorm, LogitScale: experiment.LogitScale), task.Length, ModelConfig.PositionsFor(kind));

    /// <summary>One run: train (curriculum or not), validate, test. Null when cancelled mid-run (nothing is kept).</summary>
    private ZooRow? Train(PartnerRecallTask task, ZooRunKey key, SequenceModel model, StateSize state, int testSeed, int total, Func<int> done, Action<ZooProgress> report, CancellationToken cancellationToken)
    {
        string stage = key.ToString();
        report(new ZooProgress(done(), total, stage));
        int batch = experiment.BatchFor(key.N);
        var trainingConfig = new TrainingConfig(experiment.Steps, batch, key.Lr, key.Seed * 1_000_003 + key.N, experiment.WeightDecay);
        var stages = experiment.Curriculum
            ? Trainer.DoublingCurriculum(key.N, experiment.Steps, batch).Select(st => ((ISequenceTask)new PartnerRecallTask(task.Family, st.Size, task.Decision), st.Steps, st.Batch)).ToList()
            : [(task, experiment.Steps, batch)];
        var training = Trainer.Train(model, stages, trainingConfig, cancellationToken,
            (step, loss) =>
            {
                if (step % 25 == 0) report(new ZooProgress(done(), total, $"{stage}: step {step}/{experiment.Steps}, loss {loss:F3}"));
            });
        if (training.Cancelled) return null;
        var validation = training.Diverged ? null : Trainer.Evaluate(model, task, experiment.ValidationSequences, testSeed + 1);
        var test = training.Diverged ? null : Trainer.Evaluate(model, task, experiment.TestSequences, testSeed);
        return new ZooRow
        {
            Task = key.Task, Family = key.Family, N = key.N, Mixer = key.Mixer, Width = key.Width, Layers = experiment.Layers,
            StateNumbers = state.Numbers, StateBits = state.Bits, StateFormula = state.Formula, Seed = key.Seed, Lr = key.Lr,
            Steps = training.Steps, Batch = batch, Parameters = model.ParameterCount, Diverged = training.Diverged,
            FinalLoss = training.Diverged ? double.NaN : training.FinalLoss,
            ValidationRate = validation is null ? double.NaN : (double)validation.TokensCorrect / validation.Tokens,
            Accuracy = test is null ? Proportion.Of(0, 0) : Proportion.Of(test.TokensCorrect, test.Tokens),
            SequenceAccuracy = test is null ? Proportion.Of(0, 0) : Proportion.Of(test.SequencesCorrect, test.Sequences),
            TrainTimeMs = training.TrainTimeMs,
        };
    }

    /// <summary>
    /// The lr a run at a size without search uses: at the largest search size below its n, the lr whose non-diverged runs
    /// (same task, family, mixer, width; every seed) have the best mean validation accuracy; ties go to the smaller lr.
    /// </summary>
    public double? SelectedLr(IReadOnlyList<ZooRow> rows, ZooRunKey key)
    {
        var search = experiment.LrSearchSizes?.Where(s => s < key.N).DefaultIfEmpty(0).Max() ?? 0;
        return rows.Where(r => r.Task == key.Task && r.Family == key.Family && r.N == search && r.Mixer == key.Mixer && r.Width == key.Width && !r.Diverged)
            .GroupBy(r => r.Lr)
            .Select(g => (Lr: g.Key, Mean: g.Average(r => r.ValidationRate)))
            .OrderByDescending(g => g.Mean).ThenBy(g => g.Lr)
            .Select(g => (double?)g.Lr).FirstOrDefault();
    }

    /// <summary>A rough relative cost of one run (for ordering jobs only): width² per token, the recurrent states' extra work, attention's n.</summary>
    private static double CostUnits(MixerKind kind, int width, int n) => kind switch
    {
        MixerKind.Attention => width * (width + n / 4.0),
        MixerKind.Mamba or MixerKind.GatedDeltaNet => 3.0 * width * width,
        _ => 1.5 * width * width,
    };

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
                if (row is not null && (planned.Contains(row.Key) || (planned.Contains(row.Key with { Lr = double.NaN }) && experiment.LearningRates.Contains(row.Lr))) && rows.All(r => r.Key != row.Key)) rows.Add(row);
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
        long batch = e.BatchFor(length - 1), tokens = batch * length;
        long perLayer = tokens * width * 24; // projections, norms, MLP
        perLayer += kind switch
        {
            MixerKind.Attention => batch * e.Heads * length * length,
            MixerKind.SlidingWindow => batch * e.Heads * length * length,
            MixerKind.Mamba => tokens * 2 * width * 16 + tokens * 2 * width * 8,
            MixerKind.GatedDeltaNet => tokens * width * (width / e.Heads),
            _ => tokens * width * 4,
        };
        return perLayer * e.Layers * sizeof(float);
    }
}
