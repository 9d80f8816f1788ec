using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Lab.Families;
using Subquad.Lab.StateLimit;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Lab.Duel;

/// <summary>
/// Runs a <see cref="DuelExperiment"/>: for every family and n it draws the trials' instances, asks the exact engine for
/// the truth (reference row), runs the transformer (the injected construction through the injected exact attention,
/// reference row), then climbs every contender's budget ladder on the same instances. A cell runs on one thread
/// (<see cref="Jobs"/> cells at once) so that its times are comparable. Cancellation returns what finished
/// (<see cref="DuelResult.Completed"/> false).
/// </summary>
public sealed class DuelRunner
{
    private readonly DuelExperiment _experiment;
    private readonly IReadOnlyList<Problem> _problems;

    /// <summary>The construction every transformer row runs, as the report names it.</summary>
    public const string ConstructionName = "Thm 4.1 / C.1 / C.2, corrected, robust scale";

    /// <summary>A runner for a validated experiment.</summary>
    public DuelRunner(DuelExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        experiment.Validate();
        _experiment = experiment;
        _problems = experiment.ProblemsRun();
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
            "sat" => new SatFamily(),
            _ => throw new Core.InputException(null, null, $"family kind \"{spec.Kind}\" is not one of random, planted, critical, sat"),
        };
    }

    /// <summary>
    /// The transformer's input for one instance: the paper's construction for the problem (Thm 4.1 / C.1 / C.2,
    /// corrected, robust scale; Subquad.Models). Throws <see cref="NotSupportedException"/> where it has none.
    /// </summary>
    public static ConstructedInput Construct(SimilarityInstance instance, Problem problem) =>
        TransformerConstructions.Create(problem, instance).Build(instance);

    /// <summary>Called for every instance drawn (main and confirmation batches), e.g. to save it (<see cref="InstanceArchive"/>).</summary>
    public Action<DrawnInstance>? InstanceDrawn { get; init; }

    /// <summary>Called after every finished (family, n) cell with all rows so far (the CLI checkpoints its folder there).</summary>
    public Action<DuelResult>? CellFinished { get; init; }

    /// <summary>
    /// Rows of an earlier run of the same experiment (resume): every (family, n) cell they complete is taken as is and
    /// not run again.
    /// </summary>
    public IReadOnlyList<DuelRow> Resume { get; init; } = [];

    /// <summary>Cells an earlier run finished ("family|n"), with <see cref="Resume"/>.</summary>
    public IReadOnlyCollection<string> ResumeCells { get; init; } = [];

    /// <summary>The previous run's cap hits, lambda points and cell timings, kept for the resumed cells.</summary>
    public DuelCheckpoint? ResumeRecords { get; init; }

    private sealed record FamilyRun(int Index, IInstanceFamily Family, string Label, double C, int CIndex, Problem Problem, int ProblemIndex);

    private IEnumerable<FamilyRun> FamilyRuns()
    {
        var factors = _experiment.DimensionFactorsRun;
        for (int p = 0; p < _problems.Count; p++)
        {
            string prefix = _problems.Count > 1 ? DuelExperiment.ShortName(_problems[p]) + " " : "";
            for (int f = 0; f < _experiment.Families.Count; f++)
            {
                var family = Family(_experiment.Families[f]);
                for (int ci = 0; ci < factors.Count; ci++)
                {
                    string label = prefix + (factors.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"{family.Name} c={factors[ci]:0.##}") : family.Name);
                    yield return new FamilyRun(f, family, label, factors[ci], ci, _problems[p], p);
                }
            }
        }
    }

    /// <summary>
    /// Refuses, before any work, what cannot be supported: a hard family that cannot be balanced at some n (no yes- or
    /// no-instance in <see cref="DuelExperiment.MaxAttempts"/> draws), and explicit budgets above the cost cap.
    /// Draws the first yes and no instance of every hard cell (they are reused by the run).
    /// </summary>
    /// <exception cref="Core.InputException">What to change, in one line.</exception>
    public void Preflight(CancellationToken cancellationToken = default)
    {
        foreach (var run in FamilyRuns())
        {
            foreach (int n in _experiment.Sizes)
            {
                if (ResumeCells.Contains(CellKey(run.Label, n))) continue;
                var cell = CellFor(run, n);
                try
                {
                    cell.Get(0, 0, cancellationToken);
                    cell.Get(0, 1, cancellationToken);
                }
                catch (NotSupportedException ex)
                {
                    throw new Core.InputException(null, null, $"{run.Label} at n = {n}: {ex.Message}");
                }

                foreach (var spec in _experiment.Mixers.Where(m => m.Budgets is not null && DuelContenders.Record(m.Kind).Runner is ContenderRunner.Attention or ContenderRunner.CausalLinear))
                {
                    ConstructedInput c;
                    try
                    {
                        c = cell.Construction(0, 0);
                    }
                    catch (NotSupportedException)
                    {
                        break;
                    }

                    double cap = DuelContenders.CostCap(c.X.Rows, c.Weights, _experiment.CapExponent);
                    foreach (long budget in spec.Budgets!)
                    {
                        double cost = DuelContenders.Cost(spec, budget, c.X.Rows, c.Weights);
                        if (cost > cap)
                        {
                            throw new Core.InputException(null, null, string.Create(CultureInfo.InvariantCulture,
                                $"{spec.Kind} budget {budget} at n = {n} costs {cost:G3} flops, above the subquadratic cap {cap:G3} (full attention x n^({_experiment.CapExponent} - 2)); lower the budget or raise --cap-exponent"));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Runs the experiment (after <see cref="Preflight"/>, which it calls).</summary>
    /// <summary>
    /// Cells run at once (default 1). With more than one, each cell runs on its own thread with a one-thread exact
    /// attention, its CPU seconds are its thread's (<see cref="ThreadCpuTime"/>), cells start largest n first (so the
    /// longest cells do not end the run alone), and the result lists rows, cap hits and lambda points in the same
    /// order as a one-job run: only the times differ.
    /// </summary>
    public int Jobs { get; init; } = 1;

    private bool InParallel => Jobs > 1;

    private AttentionEngine? _attention;

    // The exact attention of the transformer row and the lambda sweep: the default (all cores) for one job at a time;
    // one thread per cell when cells run in parallel (the cores are already the cells').
    private AttentionEngine ExactAttention => _attention ??= InParallel ? new AttentionEngine(new AttentionEngineOptions { MaxDegreeOfParallelism = 1 }) : AttentionEngine.Default;

    /// <summary>What one cell produced; filled by the thread running it, read by snapshots once the cell is finished.</summary>
    private sealed class CellOutput
    {
        public readonly List<DuelRow> Rows = [];
        public readonly List<string> Skipped = [];
        public readonly List<CapHit> CapHits = [];
        public readonly List<Analysis.LambdaSweep.Point> Lambda = [];
        public readonly List<CellTiming> Timings = [];
        public CellInfo? Info;
        public bool Finished;
    }

    private readonly object _sync = new();

    public DuelResult Run(IProgress<DuelProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Jobs < 1) throw new ArgumentOutOfRangeException(nameof(Jobs), Jobs, "jobs must be at least 1");
        var clock = Stopwatch.StartNew();
        var runs = FamilyRuns().ToList();
        var cells = runs.SelectMany(run => _experiment.Sizes.Select(n => (Run: run, N: n))).ToList();
        var outputs = new CellOutput?[cells.Count];
        _total = cells.Count * (2 + _experiment.Mixers.Count);
        _done = 0;
        _workDone = _workResumed = 0;
        _cellsDone = 0;
        _cellsTotal = cells.Count;
        _workTotal = runs.Count * _experiment.Sizes.Sum(DuelProgress.CellWeight);
        bool completed = true;

        // Everything in the experiment's order (problem, family, c, n), whatever order the cells ran in. While cells
        // run (a checkpoint), only finished cells are read: another thread may be adding to an unfinished one's lists.
        // The final snapshot, after every cell thread has ended, keeps the rows of a cell cut short by cancellation.
        DuelResult Snapshot(bool complete, bool running = false)
        {
            var started = outputs.OfType<CellOutput>().Where(o => !running || o.Finished).ToList();
            var finished = started.Where(o => o.Finished).ToList();
            return new()
            {
                Experiment = _experiment,
                Rows = [.. started.SelectMany(o => o.Rows)],
                Completed = complete,
                Skipped = [.. started.SelectMany(o => o.Skipped).Distinct()],
                Construction = ConstructionName,
                ElapsedSeconds = clock.Elapsed.TotalSeconds,
                CellInfos = [.. finished.Select(o => o.Info!)],
                CapHits = [.. started.SelectMany(o => o.CapHits)],
                LambdaPoints = [.. started.SelectMany(o => o.Lambda)],
                CellTimings = [.. finished.SelectMany(o => o.Timings)],
                Jobs = Jobs,
            };
        }

        Preflight(cancellationToken);
        var pending = new List<int>();
        for (int k = 0; k < cells.Count; k++)
        {
            var (run, n) = cells[k];
            string key = CellKey(run.Label, n);
            if (!ResumeCells.Contains(key))
            {
                pending.Add(k);
                continue;
            }

            var previous = new CellOutput { Finished = true };
            previous.Rows.AddRange(Resume.Where(r => r.Family == run.Label && r.N == n));
            previous.Info = InfoFrom(run, n, previous.Rows);
            if (ResumeRecords is { } records)
            {
                previous.CapHits.AddRange(records.CapHits.Where(c => c.Family == run.Label && c.N == n));
                previous.Lambda.AddRange(records.LambdaPoints.Where(p => p.Family == run.Label && p.N == n));
                previous.Timings.AddRange(records.CellTimings.Where(t => t.Family == run.Label && t.N == n));
            }

            outputs[k] = previous;
            _done += 2 + _experiment.Mixers.Count;
            _workDone += DuelProgress.CellWeight(n);
            _workResumed += DuelProgress.CellWeight(n);
            _cellsDone++;
            progress?.Report(Progress($"{run.Label} n={n}: resumed", _done, _total) with { CellFinished = $"{run.Label} n={n}" });
        }

        // In parallel the largest cells go first (longest processing time first), so the run does not end on one of
        // them alone; a stable sort keeps the experiment's order among equal n.
        if (InParallel) pending = [.. pending.OrderByDescending(k => cells[k].N)];

        void RunOne(int k, CancellationToken token)
        {
            var (run, n) = cells[k];
            var output = new CellOutput();
            lock (_sync) outputs[k] = output;
            var cell = CellFor(run, n);
            RunCell(cell, output, progress, token);
            output.Info = InfoFrom(run, n, output.Rows, cell);
            lock (_sync)
            {
                output.Finished = true;
                _completedCells.Add(CellKey(run.Label, n));
                CellFinished?.Invoke(Snapshot(false, running: true));
            }
        }

        try
        {
            if (!InParallel)
            {
                foreach (int k in pending) RunOne(k, cancellationToken);
            }
            else
            {
                using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                int next = 0;
                Exception? error = null;
                var workers = Enumerable.Range(0, Math.Min(Jobs, Math.Max(1, pending.Count))).Select(w => new Thread(() =>
                {
                    try
                    {
                        for (int i; (i = Interlocked.Increment(ref next) - 1) < pending.Count && !failed.IsCancellationRequested;) RunOne(pending[i], failed.Token);
                    }
                    catch (OperationCanceledException) when (failed.IsCancellationRequested)
                    {
                    }
                    catch (Exception ex)
                    {
                        // The first failure stops the other cells at their next instance; it is rethrown below.
                        lock (_sync) error ??= ex;
                        failed.Cancel();
                    }
                }, 16 << 20) { IsBackground = true, Name = $"subquad-duel-{w + 1}" }).ToList();
                foreach (var worker in workers) worker.Start();
                foreach (var worker in workers) worker.Join();
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            completed = false;
        }

        return Snapshot(completed);
    }

    private double _workDone, _workTotal, _workResumed;
    private int _cellsDone, _cellsTotal, _done, _total;

    // A report with the cost-weighted work so far (see DuelProgress.WorkDone).
    private DuelProgress Progress(string stage, int done, int total) => new(stage, done, total)
    {
        WorkDone = _workDone,
        WorkTotal = _workTotal,
        WorkResumed = _workResumed,
        CellsDone = _cellsDone,
        CellsTotal = _cellsTotal,
    };

    // One unit of a cell finished: its share of the cell's weight, and the report (which ends the cell on its last unit).
    private void ReportUnit(IProgress<DuelProgress>? progress, string label, int n, string stage, bool lastOfCell, Stopwatch cellClock)
    {
        lock (_sync)
        {
            _workDone += DuelProgress.CellWeight(n) / (2 + _experiment.Mixers.Count);
            var report = Progress($"{label} n={n}: {stage}", ++_done, _total);
            if (lastOfCell)
            {
                _cellsDone++;
                report = report with { CellFinished = $"{label} n={n}", CellSeconds = cellClock.Elapsed.TotalSeconds, CellsDone = _cellsDone };
            }

            progress?.Report(report);
        }
    }

    private readonly List<string> _completedCells = [];

    /// <summary>CPU seconds so far: the process's (all threads) for one job at a time, the calling thread's when cells run in parallel.</summary>
    private double CpuNow() => InParallel ? ThreadCpuTime.Seconds() : Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>Times a cell's stages exclusive of the draws they trigger (those go to "draw").</summary>
    private sealed class CellClock(Cell cell)
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly double _cpu0 = cell.Owner.CpuNow();
        private readonly List<StageTiming> _stages = [];
        private double _stageWall;
        private double _stageCpu;
        private double _drawWall;
        private double _drawCpu;

        public void Start()
        {
            _stageWall = _wall.Elapsed.TotalSeconds;
            _stageCpu = cell.Owner.CpuNow();
            _drawWall = cell.DrawWallSeconds;
            _drawCpu = cell.DrawCpuSeconds;
        }

        public void Stop(string stage)
        {
            double wall = _wall.Elapsed.TotalSeconds - _stageWall - (cell.DrawWallSeconds - _drawWall);
            double cpu = cell.Owner.CpuNow() - _stageCpu - (cell.DrawCpuSeconds - _drawCpu);
            int k = _stages.FindIndex(x => x.Stage == stage);
            if (k >= 0) _stages[k] = new StageTiming(stage, _stages[k].WallSeconds + wall, _stages[k].CpuSeconds + cpu);
            else _stages.Add(new StageTiming(stage, wall, cpu));
        }

        public CellTiming Finish() =>
            new(cell.Run.Label, cell.N, _wall.Elapsed.TotalSeconds, cell.Owner.CpuNow() - _cpu0, [new StageTiming("draw", cell.DrawWallSeconds, cell.DrawCpuSeconds), .. _stages]);
    }

    /// <summary>Cells finished by this runner so far ("family|n"), resumed ones excluded.</summary>
    public IReadOnlyList<string> CompletedCells => _completedCells;

    /// <summary>The key of a (family, n) cell in a checkpoint.</summary>
    public static string CellKey(string family, int n) => string.Create(CultureInfo.InvariantCulture, $"{family}|{n}");

    private static CellInfo InfoFrom(FamilyRun run, int n, List<DuelRow> cellRows, Cell? cell = null)
    {
        var exact = cellRows.Where(r => r.Kind == "exact" && r.Batch == 0).ToList();
        return new CellInfo(run.Label, n, exact.Count > 0 ? exact[0].Dimensions : 0, exact.Count, exact.Count(r => r.Truth), run.Family.IsControl, cell?.MeanAttempts ?? double.NaN);
    }

    private readonly Dictionary<string, Cell> _cells = [];

    private Cell CellFor(FamilyRun run, int n)
    {
        string key = CellKey(run.Label, n);
        lock (_sync)
        {
            return _cells.TryGetValue(key, out var existing) ? existing : NewCell();
        }

        Cell NewCell()
        {
            int l = _experiment.DimensionsFor(n, run.C);
            int seed = Mix(InstanceSeed(_experiment.Seed, run.Index, n, 0), run.CIndex);
            var cell = new Cell(this, run, n, l, run.ProblemIndex == 0 ? seed : Mix(seed, 1000 + run.ProblemIndex));
            _cells[key] = cell;
            return cell;
        }
    }

    /// <summary>
    /// Bytes of constructions a cell keeps between contenders (768 MiB): past it a construction is rebuilt each time it is
    /// needed (same instance, same result), so n = 2^14 with 400 instances per batch stays near 2 GB instead of 6.
    /// </summary>
    public const long ConstructionCacheBytes = 768L << 20;

    /// <summary>One instance: its place (batch, index), seed, the instance, the exact engine's truth and time.</summary>
    private sealed record Trial(int Index, int Batch, int Seed, SimilarityInstance Instance, bool Truth, double ExactMs, int Attempts);

    /// <summary>The instances of one (family, n, c) cell, drawn lazily and balanced, with their constructions.</summary>
    private sealed class Cell(DuelRunner owner, FamilyRun run, int n, int l, int cellSeed)
    {
        private readonly Dictionary<(int Batch, int Index), Trial> _trials = [];
        private readonly Dictionary<(int Batch, int Index), ConstructedInput> _constructions = [];
        private readonly BalancedSampler _sampler = new(run.Family, run.Problem, owner._experiment.Bichromatic, owner._experiment.MaxAttempts);

        public FamilyRun Run => run;

        public DuelRunner Owner => owner;

        public int N => n;

        public int Dimensions => l;

        public double MeanAttempts => _trials.Count == 0 ? double.NaN : _trials.Values.Average(t => t.Attempts);

        /// <summary>Wall seconds spent drawing (balanced sampling, its exact solves, the constructions).</summary>
        public double DrawWallSeconds { get; private set; }

        /// <summary>Process CPU seconds spent drawing.</summary>
        public double DrawCpuSeconds { get; private set; }

        public Trial Get(int batch, int index, CancellationToken cancellationToken)
        {
            if (_trials.TryGetValue((batch, index), out var trial)) return trial;
            var clock = Stopwatch.StartNew();
            double cpu = owner.CpuNow();
            var draw = _sampler.Sample(n, l, Mix(cellSeed, batch), index, cancellationToken);
            DrawWallSeconds += clock.Elapsed.TotalSeconds;
            DrawCpuSeconds += owner.CpuNow() - cpu;
            trial = new Trial(index, batch, draw.Seed, draw.Instance, draw.Truth, draw.ExactMs, draw.Attempts);
            _trials[(batch, index)] = trial;
            if (owner.InstanceDrawn is { } drawn)
            {
                lock (owner._sync) drawn(new DrawnInstance(run.Label, n, draw.Instance.Dimensions, batch, index, draw.Seed, draw.Truth, draw.Instance));
            }
            return trial;
        }

        public ConstructedInput Construction(int batch, int index)
        {
            if (_constructions.TryGetValue((batch, index), out var c)) return c;
            var instance = Get(batch, index, default).Instance;
            var clock = Stopwatch.StartNew();
            double cpu = owner.CpuNow();
            c = Construct(instance, run.Problem);
            DrawWallSeconds += clock.Elapsed.TotalSeconds;
            DrawCpuSeconds += owner.CpuNow() - cpu;
            long bytes = 8L * c.X.Rows * c.X.Columns;
            if (_constructionBytes + bytes <= ConstructionCacheBytes)
            {
                _constructions[(batch, index)] = c;
                _constructionBytes += bytes;
            }
            return c;
        }

        /// <summary>Drops a batch's constructions once every contender is done with it (memory at large n).</summary>
        public void Forget()
        {
            _constructions.Clear();
            _constructionBytes = 0;
        }

        private long _constructionBytes;
    }

    /// <summary>Runs one contender on one trial at one budget; returns its row.</summary>
    private delegate DuelRow Contender(Cell cell, Trial trial, long budget, CancellationToken cancellationToken);

    private void RunCell(Cell cell, CellOutput output, IProgress<DuelProgress>? progress, CancellationToken cancellationToken)
    {
        string label = cell.Run.Label;
        int n = cell.N;
        var cellRows = output.Rows; // rows go straight to the cell's output (read by snapshots only once the cell is finished)
        var clock = new CellClock(cell);
        var cellClock = Stopwatch.StartNew();
        clock.Start();

        // Reference row 1: the exact engine on every main-batch instance (this is also the truth). The time is a
        // second, warm solve: the first solve (in the sampler) pays the JIT and the page faults.
        for (int t = 0; t < _experiment.Trials; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trial = cell.Get(0, t, cancellationToken);
            cellRows.Add(ExactRow(cell, trial, cancellationToken));
        }

        clock.Stop("exact");
        ReportUnit(progress, label, n, "exact engine", lastOfCell: false, cellClock);

        bool constructed = false;
        try
        {
            cell.Construction(0, 0);
            constructed = true;
        }
        catch (NotSupportedException ex)
        {
            Skip(output.Skipped, $"transformer and attention heuristics on {cell.Run.Problem}: {ex.Message}");
        }

        // Reference row 2: the transformer (exact attention on the construction, then phi2), after one warm-up.
        clock.Start();
        if (constructed)
        {
            var exact = ExactAttention;
            RunAttention(cell, cell.Get(0, 0, cancellationToken), exact, "transformer", null, cancellationToken);
            for (int t = 0; t < _experiment.Trials; t++)
            {
                var trial = cell.Get(0, t, cancellationToken);
                cellRows.Add(RunAttention(cell, trial, exact, "transformer", null, cancellationToken) with { Mixer = $"transformer ({ConstructionName})" });
            }

            }

        clock.Stop("transformer");
        clock.Start();
        if (constructed && _experiment.LambdaSweep && !cell.Run.Family.IsControl && n <= _experiment.LambdaSweepMaxN)
        {
            for (int t = 0; t < Math.Min(4, _experiment.Trials); t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                output.Lambda.AddRange(Analysis.LambdaSweep.Run(label, n, t, cell.Construction(0, t), ExactAttention, seed: Mix(cell.Get(0, t, cancellationToken).Seed, 77)));
            }
        }

        clock.Stop("lambda");
        ReportUnit(progress, label, n, "transformer", lastOfCell: _experiment.Mixers.Count == 0, cellClock);

        for (int mixer = 0; mixer < _experiment.Mixers.Count; mixer++)
        {
            var spec = _experiment.Mixers[mixer];
            cancellationToken.ThrowIfCancellationRequested();
            clock.Start();
            var runner = DuelContenders.Record(spec.Kind).Runner;
            if (runner is ContenderRunner.Attention or ContenderRunner.CausalLinear)
            {
                if (constructed) RunLadder(cell, spec, spec.Kind, AttentionContender(spec), cellRows, output.CapHits, cancellationToken);
            }
            else if (runner == ContenderRunner.OnePass)
            {
                var policies = spec.Policy switch
                {
                    "first" => new[] { RetentionPolicy.KeepFirst },
                    "weight" => [RetentionPolicy.KeepByWeight],
                    "reservoir" => [RetentionPolicy.Reservoir],
                    "sketch" => [RetentionPolicy.Sketch],
                    _ => [RetentionPolicy.KeepFirst, RetentionPolicy.KeepByWeight, RetentionPolicy.Reservoir, RetentionPolicy.Sketch],
                };
                foreach (var policy in policies) RunLadder(cell, spec, "onepass-" + OnePassStrategy.PolicyName(policy), OnePassContender(policy), cellRows, output.CapHits, cancellationToken);
            }
            else if (runner == ContenderRunner.StateCost)
            {
                RunMamba(cell, spec, cellRows, cancellationToken);
            }

                clock.Stop(spec.Kind);
            ReportUnit(progress, label, n, spec.Kind, lastOfCell: mixer == _experiment.Mixers.Count - 1, cellClock);
        }

        cell.Forget();
        output.Timings.Add(clock.Finish());
    }

    private DuelRow ExactRow(Cell cell, Trial trial, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var answer = ExactSolvers.Solve(trial.Instance, cell.Run.Problem, new SolveOptions { CancellationToken = cancellationToken, Threads = 1 });
        clock.Stop();
        if (answer.Found != trial.Truth) throw new InvalidOperationException($"the exact engine answered {answer.Found} then {trial.Truth} on the same instance (seed {trial.Seed})");
        return Row(cell, trial, "exact", "exact engine", null, answer.Found, clock.Elapsed.TotalMilliseconds, 2.0 * trial.Instance.PairCount * trial.Instance.Dimensions, 0, 0);
    }

    private static void Skip(List<string> skipped, string line)
    {
        if (!skipped.Contains(line)) skipped.Add(line);
    }

    /// <summary>
    /// The one ladder loop. Per rung: a warm-up call (not recorded), then the main batch in chunks, stopping early once
    /// the balanced accuracy's upper bound falls below the target; a rung whose lower bound reaches the target is run
    /// again on the confirmation batch, and only a confirmed rung ends the ladder (once the fixed budget is covered).
    /// </summary>
    private void RunLadder(Cell cell, MixerSpec spec, string kind, Contender contender, List<DuelRow> cellRows, List<CapHit> capHits, CancellationToken cancellationToken)
    {
        IReadOnlyList<long> ladder;
        long? capped = null;
        if (kind.StartsWith("onepass", StringComparison.Ordinal))
        {
            ladder = DuelContenders.OnePassLadder(spec, cell.N, (int)OnePassStrategy.BitsPerVector(cell.Get(0, 0, cancellationToken).Instance.A));
        }
        else
        {
            var first = cell.Construction(0, 0);
            ladder = DuelContenders.AttentionLadder(spec, first.X.Rows, first.Weights, _experiment.CapExponent, out capped);
        }

        long fixedBudget = spec.FixedBudget ?? DuelContenders.DefaultFixedBudget(spec.Kind);
        if (cell.Run.Family.IsControl && spec.Budgets is null && ladder.Count > 1)
        {
            // A control (always-yes) family has no no-instances, so no rung's interval closes and none stops early; it is
            // reported, never fitted, so its default ladder is the one rung at (or below) the fixed budget.
            long rung = ladder.Where(b => b <= fixedBudget).DefaultIfEmpty(ladder[0]).Max();
            ladder = [rung];
        }

        bool confirmedAny = false;
        foreach (long budget in ladder)
        {
            contender(cell, cell.Get(0, 0, cancellationToken), budget, cancellationToken); // warm-up, not recorded
            var main = RunBatch(cell, 0, contender, budget, cellRows, cancellationToken);
            if (main.Ci95Low < _experiment.TargetAccuracy) continue;
            bool confirmed = !_experiment.Confirm || RunBatch(cell, 1, contender, budget, cellRows, cancellationToken).Ci95Low >= _experiment.TargetAccuracy;
            confirmedAny |= confirmed;
            if (confirmed && _experiment.StopAtTarget && budget >= fixedBudget) return;
        }

        if (capped is { } next && !confirmedAny) capHits.Add(new CapHit(cell.Run.Label, cell.N, kind, next));
    }

    private Analysis.BalancedAccuracy RunBatch(Cell cell, int batch, Contender contender, long budget, List<DuelRow> cellRows, CancellationToken cancellationToken)
    {
        var outcomes = new List<(bool Truth, bool Correct)>();
        for (int t = 0; t < _experiment.Trials; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = contender(cell, cell.Get(batch, t, cancellationToken), budget, cancellationToken);
            cellRows.Add(row);
            if (row.Correct is { } correct) outcomes.Add((row.Truth, correct));
            bool checkpoint = (t + 1) % _experiment.SequentialChunk == 0;
            if (checkpoint && t + 1 < _experiment.Trials && Analysis.BalancedAccuracy.From(outcomes).Ci95High < _experiment.TargetAccuracy) break;
        }

        return Analysis.BalancedAccuracy.From(outcomes);
    }

    private Contender AttentionContender(MixerSpec spec) => (cell, trial, budget, cancellationToken) =>
    {
        var c = cell.Construction(trial.Batch, trial.Index);
        if (DuelContenders.Record(spec.Kind).Runner == ContenderRunner.CausalLinear) return RunCausal(cell, trial, c, budget, cancellationToken);
        int seed = Mix(Mix(trial.Seed, KindSeed(spec.Kind)), (int)budget);
        var mixer = DuelContenders.CreateAttention(spec, budget, c.X.Rows, seed, c.X.Rows - c.DocumentRows);
        return RunAttention(cell, trial, mixer, spec.Kind, budget, cancellationToken) with { FullAttention = DuelContenders.IsFullAttention(spec, budget, c.X.Rows) };
    };

    /// <summary>
    /// Causal linear attention with the Taylor-exp map of order = budget on the construction's own Q, K, V: a recurrent
    /// model with a fixed state. It reads the sentinel row first (a causal model would otherwise never see it from a
    /// document row), then the documents; phi2 gets the outputs back in the construction's order.
    /// </summary>
    private DuelRow RunCausal(Cell cell, Trial trial, ConstructedInput c, long budget, CancellationToken cancellationToken)
    {
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
        return Row(cell, trial, "linear-causal", mixer.Name, budget, answer, clock.Elapsed.TotalMilliseconds, cost.Flops, cost.StateNumbers, cost.StateBits, finite ? null : "non-finite output");
    }

    private DuelRow RunAttention(Cell cell, Trial trial, IAttentionMixer mixer, string kind, long? budget, CancellationToken cancellationToken)
    {
        var construction = cell.Construction(trial.Batch, trial.Index);
        var clock = Stopwatch.StartNew();
        var output = mixer.Forward(construction.X, construction.Weights, cancellationToken);
        double value = construction.Phi2(output);
        clock.Stop();
        bool finite = double.IsFinite(value);
        bool answer = finite && value >= 0.5;
        var cost = mixer.Cost(construction.X.Rows, construction.Weights);
        string? note = finite ? (value is > 0 and < 1 ? string.Create(CultureInfo.InvariantCulture, $"phi2 = {value:G4}") : null) : "non-finite output";
        return Row(cell, trial, kind, mixer.Name, budget, answer, clock.Elapsed.TotalMilliseconds, cost.Flops, cost.StateNumbers, cost.StateBits, note);
    }

    private Contender OnePassContender(RetentionPolicy policy) => (cell, trial, budget, cancellationToken) =>
    {
        var strategy = new OnePassStrategy(budget, policy, Mix(trial.Seed, (int)budget));
        return RunOnePass(cell, trial, strategy, "onepass-" + OnePassStrategy.PolicyName(policy), $"one-pass {OnePassStrategy.PolicyName(policy)} (S={budget} bits)", budget, cancellationToken);
    };

    private DuelRow RunOnePass(Cell cell, Trial trial, OnePassStrategy strategy, string kind, string name, long budget, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = strategy.Run(trial.Instance, cell.Run.Problem, cancellationToken);
        clock.Stop();
        return Row(cell, trial, kind, name, budget, result.Found, clock.Elapsed.TotalMilliseconds, 2.0 * result.Comparisons * trial.Instance.Dimensions, result.Capacity, strategy.StateBits);
    }

    private void RunMamba(Cell cell, MixerSpec spec, List<DuelRow> cellRows, CancellationToken cancellationToken)
    {
        // Mamba has no trained weights here: its row is measured cost and state only (Correct = null); its decision
        // power is bounded by the one-pass strategy at its state size, reported as the row after it. Cost rows need
        // few instances: a handful of the main batch after a warm-up.
        int count = Math.Min(_experiment.Trials, 8);
        foreach (long stateSize in spec.Budgets ?? [DuelContenders.DefaultFixedBudget("mamba")])
        {
            for (int t = -1; t < count; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var trial = cell.Get(0, Math.Max(0, t), cancellationToken);
                var u = Sequence(trial.Instance);
                var mamba = new Mamba(MambaWeights.Initialise(u.Columns, Mix(trial.Seed, KindSeed("mamba")), (int)Math.Max(1, stateSize)));
                var clock = Stopwatch.StartNew();
                mamba.ForwardStepwise(u); // the recurrent form: what a deployed Mamba costs per token, linear in n
                clock.Stop();
                if (t < 0) continue; // warm-up
                var cost = mamba.Cost(u.Rows);
                cellRows.Add(Row(cell, trial, "mamba", mamba.Name, stateSize, null, clock.Elapsed.TotalMilliseconds, cost.Flops, cost.StateNumbers, cost.StateBits, "cost only: no trained weights"));
            }

            long bits = cellRows.Last(r => r.Kind == "mamba").StateBits;
            for (int t = 0; t < _experiment.Trials; t++)
            {
                var trial = cell.Get(0, t, cancellationToken);
                var bound = new OnePassStrategy(bits, RetentionPolicy.KeepFirst);
                cellRows.Add(RunOnePass(cell, trial, bound, "onepass@mamba", $"one-pass keep-first at mamba(N={stateSize})'s state ({bits} bits)", stateSize, cancellationToken));
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

    private static DuelRow Row(Cell cell, Trial trial, string kind, string mixer, long? budget, bool? answer, double timeMs, double flops, long stateNumbers, long stateBits, string? note = null) => new()
    {
        Family = cell.Run.Label,
        N = cell.N,
        Dimensions = trial.Instance.Dimensions,
        Trial = trial.Index,
        Seed = trial.Seed,
        Kind = kind,
        Mixer = mixer,
        Budget = budget,
        Truth = trial.Truth,
        Answer = answer,
        Correct = answer is { } a ? a == trial.Truth : null,
        TimeMs = timeMs,
        Flops = flops,
        StateNumbers = stateNumbers,
        StateBits = stateBits,
        Batch = trial.Batch,
        Control = cell.Run.Family.IsControl,
        Note = note,
    };
}
