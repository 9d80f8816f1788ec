using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Lab.Families;
using Subquad.Lab.StateLimit;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Lab.Duel;

/// <summary>
/// Runs a <see cref="DuelExperiment"/>: for every family and n it draws the trials' instances, asks the exact engine for
/// the truth (reference row), runs the transformer (the injected construction through the injected exact attention,
/// reference row), then climbs every contender's budget ladder on the same instances. Single-threaded so that times
/// are comparable. Cancellation returns what finished (<see cref="DuelResult.Completed"/> false).
/// </summary>
public sealed class DuelRunner
{
    private readonly DuelExperiment _experiment;
    private readonly DuelWiring _wiring;
    private readonly Problem _problem;

    /// <summary>A runner for a validated experiment with its wiring.</summary>
    public DuelRunner(DuelExperiment experiment, DuelWiring? wiring = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        experiment.Validate();
        _experiment = experiment;
        _wiring = wiring ?? DuelWiring.None;
        _problem = experiment.ToProblem();
        foreach (var family in experiment.Families) Family(family);
    }

    /// <summary>The seed of trial t of family f at size n: a fixed mix of the master seed (stable across runs and machines).</summary>
    public static int InstanceSeed(int masterSeed, int familyIndex, int n, int trial) =>
        Mix(Mix(Mix(masterSeed, familyIndex), n), trial);

    /// <summary>A stable 32-bit mix (not string.GetHashCode, which is randomised per process).</summary>
    public static int Mix(int a, int b)
    {
        unchecked
        {
            uint h = (uint)a * 0x9E3779B1u;
            h ^= (uint)b + 0x7F4A7C15u + (h << 6) + (h >> 2);
            h ^= h >> 16;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            return (int)(h & 0x7FFFFFFF);
        }
    }

    /// <summary>A stable hash of a kind name.</summary>
    public static int KindSeed(string kind)
    {
        unchecked
        {
            uint h = 2166136261u;
            foreach (char c in kind) h = (h ^ c) * 16777619u;
            return (int)(h & 0x7FFFFFFF);
        }
    }

    /// <summary>The family for a spec.</summary>
    public IInstanceFamily Family(FamilySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            "random" => new RandomFamily(spec.Density ?? 0.25),
            "planted" => new PlantedFamily(spec.Density ?? 0.3, spec.Margin ?? 2),
            "critical" => new CriticalOvFamily(),
            _ when _wiring.ExtraFamilies.TryGetValue(spec.Kind, out var extra) => extra,
            "sat" => throw new Core.InputException(null, null, "family \"sat\" needs the CNF -> OV reduction of Subquad.Hardness wired into the duel (DuelWiring.ExtraFamilies[\"sat\"]); it is not wired in this build"),
            _ => throw new Core.InputException(null, null, $"family kind \"{spec.Kind}\" is not one of random, planted, critical, sat"),
        };
    }

    /// <summary>Runs the experiment.</summary>
    public DuelResult Run(IProgress<DuelProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var rows = new List<DuelRow>();
        var skipped = new List<string>();
        int total = _experiment.Families.Count * _experiment.Sizes.Count * (2 + _experiment.Mixers.Count), done = 0;
        bool completed = true;
        try
        {
            for (int f = 0; f < _experiment.Families.Count; f++)
            {
                var family = Family(_experiment.Families[f]);
                foreach (int n in _experiment.Sizes)
                {
                    RunCell(f, family, n, rows, skipped, progress, ref done, total, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            completed = false;
        }

        return new DuelResult
        {
            Experiment = _experiment,
            Rows = rows,
            Completed = completed,
            Skipped = skipped,
            Construction = _wiring.Construct is null ? null : _wiring.ConstructionName,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    private sealed record Trial(int Index, int Seed, SimilarityInstance Instance, bool Truth);

    private void RunCell(int familyIndex, IInstanceFamily family, int n, List<DuelRow> rows, List<string> skipped, IProgress<DuelProgress>? progress, ref int done, int total, CancellationToken cancellationToken)
    {
        int l = _experiment.DimensionsFor(n);
        var trials = new List<Trial>();
        var cellRows = new List<DuelRow>();
        string familyName = family.Name;

        // Reference row 1: the exact engine decides every instance (this is also the truth).
        for (int t = 0; t < _experiment.Trials; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int seed = InstanceSeed(_experiment.Seed, familyIndex, n, t);
            SimilarityInstance instance;
            try
            {
                instance = family.Generate(n, l, _problem, _experiment.Bichromatic, seed);
            }
            catch (NotSupportedException ex)
            {
                Skip(skipped, $"family {familyName}: {ex.Message}");
                done += 2 + _experiment.Mixers.Count;
                progress?.Report(new DuelProgress($"{familyName} n={n}: skipped", done, total));
                return;
            }

            var clock = Stopwatch.StartNew();
            var answer = ExactSolvers.Solve(instance, _problem, new SolveOptions { CancellationToken = cancellationToken, Threads = 1 });
            clock.Stop();
            trials.Add(new Trial(t, seed, instance, answer.Found));
            cellRows.Add(Row(familyName, n, instance.Dimensions, t, seed, "exact", "exact engine", null, answer.Found, answer.Found, clock.Elapsed.TotalMilliseconds, 2.0 * instance.PairCount * instance.Dimensions, 0, 0));
        }

        Flush(rows, cellRows);
        progress?.Report(new DuelProgress($"{familyName} n={n}: exact engine", ++done, total));

        // The constructions, once per instance, shared by the transformer and every attention heuristic.
        ConstructedInput[]? constructions = null;
        if (_wiring.Construct is null || _wiring.ExactAttention is null)
        {
            Skip(skipped, "transformer and attention heuristics: no construction or exact attention wired into this duel");
        }
        else
        {
            try
            {
                constructions = trials.Select(trial => _wiring.Construct(trial.Instance, _problem)).ToArray();
            }
            catch (NotSupportedException ex)
            {
                Skip(skipped, $"transformer and attention heuristics on {_problem}: {ex.Message}");
            }
        }

        // Reference row 2: the transformer (exact attention on the construction, then phi2).
        if (constructions is not null)
        {
            var exact = _wiring.ExactAttention!;
            foreach (var trial in trials)
            {
                cellRows.Add(RunAttention(familyName, n, trial, constructions[trial.Index], exact, "transformer", $"transformer ({_wiring.ConstructionName})", null, cancellationToken));
            }

            Flush(rows, cellRows);
        }

        progress?.Report(new DuelProgress($"{familyName} n={n}: transformer", ++done, total));

        foreach (var spec in _experiment.Mixers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DuelContenders.AttentionKinds.Contains(spec.Kind))
            {
                if (constructions is not null) RunAttentionLadder(familyName, n, spec, trials, constructions, cellRows, cancellationToken);
            }
            else if (spec.Kind == "linear-causal")
            {
                if (constructions is not null) RunCausalLadder(familyName, n, spec, trials, constructions, cellRows, cancellationToken);
            }
            else if (spec.Kind == "onepass")
            {
                RunOnePassLadder(familyName, n, spec, trials, cellRows, cancellationToken);
            }
            else if (spec.Kind == "mamba")
            {
                RunMamba(familyName, n, spec, trials, cellRows, cancellationToken);
            }

            Flush(rows, cellRows);
            progress?.Report(new DuelProgress($"{familyName} n={n}: {spec.Kind}", ++done, total));
        }
    }

    private static void Flush(List<DuelRow> rows, List<DuelRow> cellRows)
    {
        rows.AddRange(cellRows);
        cellRows.Clear();
    }

    private static void Skip(List<string> skipped, string line)
    {
        if (!skipped.Contains(line)) skipped.Add(line);
    }

    private bool LadderDone(IReadOnlyList<DuelRow> rungRows, long budget, long fixedBudget)
    {
        if (!_experiment.StopAtTarget || budget < fixedBudget) return false;
        int decided = rungRows.Count(r => r.Correct is not null);
        return decided > 0 && rungRows.Count(r => r.Correct == true) >= _experiment.TargetAccuracy * decided;
    }

    private void RunAttentionLadder(string familyName, int n, MixerSpec spec, List<Trial> trials, ConstructedInput[] constructions, List<DuelRow> cellRows, CancellationToken cancellationToken)
    {
        var first = constructions[0];
        var ladder = DuelContenders.AttentionLadder(spec, first.X.Rows, first.Weights);
        long fixedBudget = spec.FixedBudget ?? DuelContenders.DefaultFixedBudget(spec.Kind);
        foreach (long budget in ladder)
        {
            var rung = new List<DuelRow>();
            foreach (var trial in trials)
            {
                var c = constructions[trial.Index];
                int seed = Mix(Mix(trial.Seed, KindSeed(spec.Kind)), (int)budget);
                var mixer = DuelContenders.CreateAttention(spec, budget, c.X.Rows, seed, c.X.Rows - c.DocumentRows);
                rung.Add(RunAttention(familyName, n, trial, c, mixer, spec.Kind, mixer.Name, budget, cancellationToken));
            }

            cellRows.AddRange(rung);
            if (LadderDone(rung, budget, fixedBudget)) break;
        }
    }

    /// <summary>
    /// Causal linear attention with the Taylor-exp map of order = budget on the construction's own Q, K, V: a recurrent
    /// model with a fixed state. It reads the sentinel row first (a causal model would otherwise never see it from a
    /// document row), then the documents; phi2 gets the outputs back in the construction's order.
    /// </summary>
    private void RunCausalLadder(string familyName, int n, MixerSpec spec, List<Trial> trials, ConstructedInput[] constructions, List<DuelRow> cellRows, CancellationToken cancellationToken)
    {
        var first = constructions[0];
        var ladder = DuelContenders.AttentionLadder(spec, first.X.Rows, first.Weights);
        long fixedBudget = spec.FixedBudget ?? DuelContenders.DefaultFixedBudget(spec.Kind);
        foreach (long budget in ladder)
        {
            var rung = new List<DuelRow>();
            foreach (var trial in trials)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var c = constructions[trial.Index];
                var mixer = CausalLinearAttention.ForConstruction(new TaylorExpFeatureMap((int)budget), c.Weights);
                int rows = c.X.Rows, docs = c.DocumentRows, extra = rows - docs;
                var clock = Stopwatch.StartNew();
                var input = new Matrix(rows, c.X.Columns);
                int Original(int r) => r < extra ? docs + r : r - extra; // position r of the causal order -> construction row
                for (int r = 0; r < rows; r++) c.X.Row(Original(r)).CopyTo(input.Row(r));
                var y = mixer.Forward(input, cancellationToken);
                var output = new Matrix(rows, y.Columns);
                for (int r = 0; r < rows; r++) y.Row(r).CopyTo(output.Row(Original(r)));
                double value = c.Phi2(output);
                clock.Stop();
                bool finite = double.IsFinite(value);
                bool answer = finite && value >= 0.5;
                var cost = mixer.Cost(rows);
                rung.Add(Row(familyName, n, trial.Instance.Dimensions, trial.Index, trial.Seed, spec.Kind, mixer.Name, budget, trial.Truth, answer, clock.Elapsed.TotalMilliseconds, cost.Flops, cost.StateNumbers, cost.StateBits, finite ? null : "non-finite output"));
            }

            cellRows.AddRange(rung);
            if (LadderDone(rung, budget, fixedBudget)) break;
        }
    }

    private static DuelRow RunAttention(string familyName, int n, Trial trial, ConstructedInput construction, IAttentionMixer mixer, string kind, string name, long? budget, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var output = mixer.Forward(construction.X, construction.Weights, cancellationToken);
        double value = construction.Phi2(output);
        clock.Stop();
        bool finite = double.IsFinite(value);
        bool answer = finite && value >= 0.5;
        var cost = mixer.Cost(construction.X.Rows, construction.Weights);
        string? note = finite ? (value is > 0 and < 1 ? string.Create(CultureInfo.InvariantCulture, $"phi2 = {value:G4}") : null) : "non-finite output";
        return Row(familyName, n, trial.Instance.Dimensions, trial.Index, trial.Seed, kind, name, budget, trial.Truth, answer, clock.Elapsed.TotalMilliseconds, cost.Flops, cost.StateNumbers, cost.StateBits, note);
    }

    private void RunOnePassLadder(string familyName, int n, MixerSpec spec, List<Trial> trials, List<DuelRow> cellRows, CancellationToken cancellationToken)
    {
        var policy = spec.Policy == "weight" ? RetentionPolicy.KeepByWeight : RetentionPolicy.KeepFirst;
        int bits = (int)OnePassStrategy.BitsPerVector(trials[0].Instance.A);
        var ladder = DuelContenders.OnePassLadder(spec, n, bits);
        long fixedBudget = spec.FixedBudget ?? DuelContenders.DefaultFixedBudget(spec.Kind);
        foreach (long budget in ladder)
        {
            var rung = new List<DuelRow>();
            var strategy = new OnePassStrategy(budget, policy);
            foreach (var trial in trials) rung.Add(RunOnePass(familyName, n, trial, strategy, "onepass", $"one-pass(S={budget} bits,{(policy == RetentionPolicy.KeepFirst ? "keep first" : "keep by weight")})", budget, cancellationToken));
            cellRows.AddRange(rung);
            if (LadderDone(rung, budget, fixedBudget)) break;
        }
    }

    private DuelRow RunOnePass(string familyName, int n, Trial trial, OnePassStrategy strategy, string kind, string name, long budget, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = strategy.Run(trial.Instance, _problem, cancellationToken);
        clock.Stop();
        return Row(familyName, n, trial.Instance.Dimensions, trial.Index, trial.Seed, kind, name, budget, trial.Truth, result.Found, clock.Elapsed.TotalMilliseconds, 2.0 * result.Comparisons * trial.Instance.Dimensions, result.Capacity, strategy.StateBits);
    }

    private void RunMamba(string familyName, int n, MixerSpec spec, List<Trial> trials, List<DuelRow> cellRows, CancellationToken cancellationToken)
    {
        // Mamba has no trained weights here: its row is measured cost and state only (Correct = null); its decision
        // power is bounded by the one-pass strategy at its state size, reported as the row after it.
        foreach (long stateSize in spec.Budgets ?? [DuelContenders.DefaultFixedBudget("mamba")])
        {
            foreach (var trial in trials)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var u = Sequence(trial.Instance);
                var mamba = new Mamba(MambaWeights.Initialise(u.Columns, Mix(trial.Seed, KindSeed("mamba")), (int)Math.Max(1, stateSize)));
                var clock = Stopwatch.StartNew();
                mamba.ForwardStepwise(u); // the recurrent form: what a deployed Mamba costs per token, linear in n
                clock.Stop();
                var cost = mamba.Cost(u.Rows);
                cellRows.Add(Row(familyName, n, trial.Instance.Dimensions, trial.Index, trial.Seed, "mamba", mamba.Name, stateSize, trial.Truth, null, clock.Elapsed.TotalMilliseconds, cost.Flops, cost.StateNumbers, cost.StateBits, "cost only: no trained weights"));
                var bound = new OnePassStrategy(cost.StateBits);
                cellRows.Add(RunOnePass(familyName, n, trial, bound, "onepass@mamba", $"one-pass at {mamba.Name}'s state ({cost.StateBits} bits)", stateSize, cancellationToken));
            }
        }
    }

    /// <summary>The documents as the token sequence a recurrent model reads: A's rows, then B's.</summary>
    private static Matrix Sequence(SimilarityInstance instance)
    {
        var sets = instance.B is null ? new[] { instance.A } : [instance.A, instance.B];
        int total = sets.Sum(s => s.Count), l = instance.Dimensions, r = 0;
        var u = new Matrix(total, l);
        foreach (var set in sets)
        {
            for (int i = 0; i < set.Count; i++, r++)
            {
                for (int a = 0; a < l; a++)
                {
                    u[r, a] = set switch
                    {
                        BinaryVectors b => b[i, a] ? 1 : 0,
                        DenseVectors d => d.Row(i)[a],
                        _ => 0,
                    };
                }
            }
        }

        return u;
    }

    private static DuelRow Row(string family, int n, int l, int trial, int seed, string kind, string mixer, long? budget, bool truth, bool? answer, double timeMs, double flops, long stateNumbers, long stateBits, string? note = null) => new()
    {
        Family = family,
        N = n,
        Dimensions = l,
        Trial = trial,
        Seed = seed,
        Kind = kind,
        Mixer = mixer,
        Budget = budget,
        Truth = truth,
        Answer = answer,
        Correct = answer is { } a ? a == truth : null,
        TimeMs = timeMs,
        Flops = flops,
        StateNumbers = stateNumbers,
        StateBits = stateBits,
        Note = note,
    };
}
