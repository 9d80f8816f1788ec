using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// The exact engine: block pairs of rows scheduled over all cores, register-tiled kernels (AND + popcount for
/// binary, float32 FMA for dense) fused with the reduction, exact pruning, O(n l) memory. Returns exactly the
/// oracle's answer (<see cref="BruteForce"/>) for every problem: same pair, same tie-break, same score.
/// </summary>
/// <remarks>
/// <para>How exactness survives speed. Binary inner products are exact integers and cosines are compared in
/// integers. Dense pre-selection runs in float32 but keeps every pair within the proven float32 error
/// (<see cref="DenseErrorBound"/>) of the running bound and re-scores those in float64 with
/// <see cref="PairScoring"/>, so the reported value is the oracle's to the bit. Ties are broken by the smallest
/// (i, j) explicitly, so the answer does not depend on task order, thread count, block size, kernel variant or
/// pruning.</para>
/// <para>Gamma-approximate problems return the exact optimum, as the oracle does (it is a valid approximation).</para>
/// </remarks>
public sealed class TiledEngine : ISimilaritySolver
{
    private readonly KernelVariant? _variant;
    private readonly int? _blockRows;
    private readonly EnginePath? _path;

    /// <summary>
    /// An engine with a fixed kernel variant, block size and path (null: <see cref="KernelDispatch.Best"/>, sized for
    /// the caches, <see cref="KernelDispatch.ForcedPath"/> or else chosen per solve by the input's shape and this CPU).
    /// The variant is the instruction set only: it never changes the path.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">blockRows is not a positive multiple of 32.</exception>
    /// <remarks>
    /// A path (forced, or chosen for the input) that cannot run a solve with the variant makes that solve throw
    /// <see cref="PlatformNotSupportedException"/>; it is never replaced by another.
    /// </remarks>
    public TiledEngine(KernelVariant? variant = null, int? blockRows = null, EnginePath? path = null)
    {
        if (blockRows is int rows && (rows < 32 || rows % 32 != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(blockRows), rows, "block rows must be a positive multiple of 32");
        }

        _variant = variant;
        _blockRows = blockRows;
        _path = path;
    }

    /// <summary>The engine with the process's best kernel and cache-sized blocks.</summary>
    public static TiledEngine Default { get; } = new();

    /// <inheritdoc/>
    public string Name => "engine";

    /// <summary>The kernel variant this engine runs.</summary>
    public KernelVariant Variant => _variant ?? KernelDispatch.Best;

    /// <summary>The path this engine is forced to (its option, else <c>SUBQUAD_PATH</c>), or null when each solve chooses.</summary>
    public EnginePath? ForcedPath => _path ?? KernelDispatch.ForcedPath;

    /// <summary>The path a solve of <paramref name="instance"/> runs (rows in input order: exact problems that sort for pruning may stage them).</summary>
    /// <exception cref="PlatformNotSupportedException">The forced path cannot run this instance.</exception>
    public EnginePath PathFor(SimilarityInstance instance) => Choose(instance, sorted: false).Path;

    /// <summary>The path for an instance whose rows are (or are not) sorted for pruning; executors elsewhere (PartialSolver) use it so every worker runs the same path.</summary>
    internal EnginePath PathFor(SimilarityInstance instance, bool sorted) => Choose(instance, sorted).Path;

    /// <summary>
    /// The largest one-off int8 copy of the right side the dense screen may build (<see cref="QuantizedRows"/>); above
    /// it each worker quantizes every task's block. Tests set 0 to run that path on small inputs.
    /// </summary>
    internal long Int8CopyBudget { get; init; } = QuantizedRows.BudgetBytes;

    /// <summary>
    /// The largest one-off transposed copy of the right side for bit-sliced counting (<see cref="EngineContext.SlicesB"/>);
    /// above it each worker transposes every task's block. Tests set 0 to run that path on small inputs.
    /// </summary>
    internal long SlicedCopyBudget { get; init; } = EngineContext.SlicedCopyBudgetBytes;

    /// <summary>The join's back-pressure cap in held hits (<see cref="JoinCollector.HeldCap"/>); null: from free memory. Tests set it small.</summary>
    internal long? JoinHeldCap { get; init; }

    /// <summary>
    /// Makes each worker's runner (<see cref="ITileRunner"/>); null runs the CPU tile kernels. The GPU room plugs in here.
    /// </summary>
    internal Func<EngineContext, ITileRunner>? RunnerFactory { get; init; }

    /// <inheritdoc/>
    public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default) =>
        Solve(instance, problem, SolveOptions.Default with { CancellationToken = cancellationToken });

    /// <summary>Solves with options (threads, pruning, progress, cancellation); none of them changes the answer.</summary>
    public Answer Solve(SimilarityInstance instance, Problem problem, SolveOptions options)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        instance.Validate(problem);
        var kind = problem.Kind;

        if (problem.IsDecision)
        {
            bool maximise = kind.Maximises();
            var context = Prepare(instance, kind, maximise, sortForPruning: false, options);
            var shared = new SharedKey();
            var reducers = Reducers(context, options, () => new FirstWitnessReducer(context, problem, shared));
            EngineExecutor.Run(context, reducers, options);
            var witness = FirstWitnessReducer.Merge(reducers, context);
            return witness is { } w ? Answer.Pair(problem, w.I, w.J, w.Score) : Answer.No(problem);
        }
        else
        {
            bool maximise = kind.Maximises();
            var context = Prepare(instance, kind, maximise, SortsForPruning(instance, kind, options), options);
            var shared = new SharedBound(maximise);
            var reducers = Reducers(context, options, () => new BestPairReducer(context, shared));
            EngineExecutor.Run(context, reducers, options);
            var best = BestPairReducer.Merge(reducers, kind) ?? throw new InvalidOperationException("the engine visited no pair");
            return Answer.Pair(problem, best.I, best.J, best.Score);
        }
    }

    /// <summary>
    /// The k best pairs for the kind's objective, best first, ties by smallest (i, j); for OV the order is Min-IP's.
    /// The same list as <see cref="BruteForce.TopPairs"/>.
    /// </summary>
    public IReadOnlyList<Answer> TopPairs(SimilarityInstance instance, ProblemKind kind, int k, SolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        options ??= SolveOptions.Default;
        var order = kind == ProblemKind.Ov ? ProblemKind.MinIp : kind;
        var problem = Problem.Exact(order);
        instance.Validate(problem);
        var context = Prepare(instance, order, order.Maximises(), SortsForPruning(instance, order, options), options);
        var reducers = Reducers(context, options, () => new TopPairsReducer(context, k));
        EngineExecutor.Run(context, reducers, options);
        return TopPairsReducer.Merge(reducers, order, k).Select(p => Answer.Pair(problem, p.I, p.J, p.Score)).ToList();
    }

    /// <summary>
    /// Streams every pair that meets a threshold problem (or every orthogonal pair for OV) to <paramref name="onPair"/>
    /// in (i, j) order, on the calling thread, without holding them all: workers fill row bands, and each band is
    /// sorted and delivered once it and all earlier bands are complete. <paramref name="onPair"/> returns false to stop
    /// (the workers then stop too). Returns the number of pairs delivered.
    /// </summary>
    public long PairsMeeting(SimilarityInstance instance, Problem problem, Func<Answer, bool> onPair, SolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(onPair);
        options ??= SolveOptions.Default;
        if (!problem.IsDecision) throw new ArgumentException($"{problem} is not a threshold problem", nameof(problem));
        instance.Validate(problem);
        var kind = problem.Kind;
        var context = Prepare(instance, kind, kind.Maximises(), sortForPruning: false, options);
        using var collector = new JoinCollector(context.Plan, options.CancellationToken, JoinHeldCap);
        var reducers = Reducers(context, options, () => new JoinReducer(context, problem, collector));
        var run = Task.Run(() =>
        {
            try
            {
                EngineExecutor.Run(context, reducers, options);
            }
            finally
            {
                collector.WorkersFinished();
            }
        });

        long delivered = 0;
        try
        {
            for (int band = 0; band < context.Plan.BandsA; band++)
            {
                var hits = collector.Take(band);
                if (hits is null) break;
                foreach (var hit in hits)
                {
                    delivered++;
                    if (!onPair(Answer.Pair(problem, hit.I, hit.J, hit.Score)))
                    {
                        collector.Stop();
                        run.Wait();
                        return delivered;
                    }
                }
            }
        }
        catch
        {
            collector.Stop();
            WaitQuietly(run); // the workers stop at their next task; the spill file closes after them
            throw;
        }

        run.GetAwaiter().GetResult();
        return delivered;
    }

    /// <summary>Waits for stopped workers whose own error, if any, is secondary to the one being thrown.</summary>
    private static void WaitQuietly(Task run)
    {
        try
        {
            run.Wait();
        }
        catch (AggregateException)
        {
        }
    }

    /// <summary>The plan this engine would run on an instance (for inspection and distributed executors).</summary>
    internal EnginePlan Plan(SimilarityInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        int countA = instance.A.Count;
        return EnginePlan.Create(countA, instance.Right.Count, !instance.IsBichromatic, BlockRowsFor(instance));
    }

    /// <summary>Rows per block for <paramref name="instance"/> (see <see cref="BinaryPlan.BlockRows"/>, <see cref="DensePlan.BlockRows"/>).</summary>
    public int BlockRowsFor(SimilarityInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Choose(instance, sorted: false).BlockRows;
    }

    /// <summary>
    /// The path and block size of a solve, chosen once here; everything after reads them. The path follows the input,
    /// the forced path and this CPU (<see cref="KernelDispatch.Widest"/>), never the variant: a variant that cannot run
    /// it fails here (<see cref="EnginePaths.Require"/>), before any row is copied.
    /// </summary>
    private (EnginePath Path, int BlockRows) Choose(SimilarityInstance instance, bool sorted)
    {
        var variant = KernelDispatch.Require(Variant);
        var (path, blockRows) = PlanPath(instance, sorted);
        EnginePaths.Require(path, variant, instance.IsBinary, instance.Dimensions, blockRows, pathForced: ForcedPath is not null);
        return (path, blockRows);
    }

    /// <summary>The path and block size this engine picks for an instance before the variant is checked (tests use it to tell which variants run it).</summary>
    internal (EnginePath Path, int BlockRows) PlanPath(SimilarityInstance instance, bool sorted)
    {
        var widest = KernelDispatch.Widest;
        if (instance.A is BinaryVectors left && instance.Right is BinaryVectors right)
        {
            var path = BinaryPlan.Choose(left, right, widest, _blockRows, sorted, ForcedPath);
            return (path, BinaryPlan.BlockRows(path, left.WordsPerRow, _blockRows));
        }

        return (DensePlan.Choose(widest, instance.Dimensions, ForcedPath), DensePlan.BlockRows(instance.Dimensions, _blockRows));
    }

    private EngineContext Prepare(SimilarityInstance instance, ProblemKind scoreKind, bool maximise, bool sortForPruning, SolveOptions options)
    {
        var (path, blockRows) = Choose(instance, sortForPruning);
        return new(instance, scoreKind, maximise, Variant, path, blockRows, sortForPruning, options.Pruning, Int8CopyBudget, SlicedCopyBudget)
        {
            RunnerFactory = RunnerFactory,
        };
    }

    /// <summary>
    /// Rows are sorted by weight (binary MSD, Max-IP) or norm (dense Max-IP) only where that makes the block bounds
    /// bite, and by weight for the Hamming kinds, whose candidate filter is as tight as a task's weight spread
    /// (<see cref="CandidateFilter.Hamming"/>). Exact and top-K solves only; decisions and joins keep identity order.
    /// </summary>
    internal static bool SortsForPruning(SimilarityInstance instance, ProblemKind kind, bool pruning) =>
        pruning && (kind == ProblemKind.MaxIp || kind.IsHamming() || (kind == ProblemKind.Msd && instance.IsBinary));

    private static bool SortsForPruning(SimilarityInstance instance, ProblemKind kind, SolveOptions options) =>
        SortsForPruning(instance, kind, options.Pruning);

    private static TReducer[] Reducers<TReducer>(EngineContext context, SolveOptions options, Func<TReducer> create)
        where TReducer : PairReducer
    {
        int workers = EngineExecutor.Workers(options, context.Plan);
        var reducers = new TReducer[workers];
        for (int w = 0; w < workers; w++) reducers[w] = create();
        return reducers;
    }
}
