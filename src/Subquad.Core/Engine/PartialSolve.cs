using System.Runtime.ExceptionServices;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Core.Engine;

/// <summary>What a partial answer holds, i.e. which reducer ran and how partial answers merge.</summary>
internal enum PartialMode
{
    /// <summary>Exact and gamma problems: the first pair in the total order (<see cref="BestPairReducer"/>).</summary>
    Best,

    /// <summary>Decisions (threshold, OV): the lexicographically smallest qualifying pair (<see cref="FirstWitnessReducer"/>).</summary>
    Witness,

    /// <summary><c>--top K</c>: the first K pairs in the total order (<see cref="TopPairsReducer"/>).</summary>
    Top,

    /// <summary><c>--threshold t --all</c>: every qualifying pair, in (i, j) order.</summary>
    Join,
}

/// <summary>
/// How partial answers of one solve merge: the mode, the kind whose total order ranks pairs (Min-IP's for OV top
/// lists) and K. Needs no input, so a coordinator that never loads the vectors can merge.
/// </summary>
internal readonly record struct PartialMerge(PartialMode Mode, ProblemKind OrderKind, int K)
{
    /// <summary>
    /// The merge of two partial answers (each as its reducer left it: at most one pair, or K pairs best first, or
    /// join pairs in (i, j) order). Associative and commutative, so any grouping and any order of completion gives
    /// the single-machine answer.
    /// </summary>
    public List<ScoredPair> Merge(IReadOnlyList<ScoredPair> x, IReadOnlyList<ScoredPair> y)
    {
        var kind = OrderKind;
        var all = new List<ScoredPair>(x.Count + y.Count);
        all.AddRange(x);
        all.AddRange(y);
        switch (Mode)
        {
            case PartialMode.Best:
                all.Sort((p, q) => PairReducer.Compare(kind, p.Score, p.I, p.J, q.Score, q.I, q.J));
                return all.Count > 1 ? all.GetRange(0, 1) : all;
            case PartialMode.Witness:
                all.Sort(ByPair);
                return all.Count > 1 ? all.GetRange(0, 1) : all;
            case PartialMode.Top:
                all.Sort((p, q) => PairReducer.Compare(kind, p.Score, p.I, p.J, q.Score, q.I, q.J));
                return all.Count > K ? all.GetRange(0, K) : all;
            default:
                all.Sort(ByPair);
                return all;
        }
    }

    /// <summary>(i, j) lexicographic: the witness order and the join's output order.</summary>
    public static int ByPair(ScoredPair p, ScoredPair q) => p.I != q.I ? p.I.CompareTo(q.I) : p.J.CompareTo(q.J);
}

/// <summary>
/// The engine split for executors outside this process (a cluster's silos): one problem on one instance with a
/// fixed plan, whose tasks can be run in any subsets [first, end) anywhere; each run returns a small partial answer
/// (or, for joins, its pairs), and <see cref="PartialMerge.Merge"/> combines them into exactly the answer
/// <see cref="TiledEngine"/> gives, ties included.
/// </summary>
/// <remarks>
/// The plan must be identical everywhere: the block size is part of the job (the constructor's blockRows), and the
/// row order for pruning is a deterministic sort of the input. A hint (the best pair or witness merged so far) only
/// tightens pruning; it never changes what a run reports about its own tasks beyond dropping pairs the hint beats.
/// </remarks>
internal sealed class PartialSolver
{
    private readonly EngineContext _context;

    /// <param name="instance">The vectors.</param>
    /// <param name="problem">The problem as <c>solve</c> takes it.</param>
    /// <param name="top">K for a top-K list (null otherwise).</param>
    /// <param name="all">True for a threshold join (every qualifying pair).</param>
    /// <param name="pruning">Exact pruning (same answer either way).</param>
    /// <param name="blockRows">Rows per block: part of the job so every worker builds the same plan.</param>
    /// <param name="variant">Kernel variant (null: the process's best; answers do not depend on it).</param>
    public PartialSolver(SimilarityInstance instance, Problem problem, int? top, bool all, bool pruning, int blockRows, KernelVariant? variant = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        if (all && !problem.IsDecision) throw new ArgumentException($"{problem} is not a threshold problem", nameof(problem));
        if (top is not null && (all || problem.Mode != ProblemMode.Exact && problem.Kind != ProblemKind.Ov)) throw new ArgumentException("a top-K list is asked of an exact problem", nameof(top));
        Problem = problem;
        Top = top;
        var kind = problem.Kind;
        if (top is int k)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(k, nameof(top));
            var order = kind == ProblemKind.Ov ? ProblemKind.MinIp : kind;
            instance.Validate(Problem.Exact(order));
            Spec = new PartialMerge(PartialMode.Top, order, k);
        }
        else
        {
            instance.Validate(problem);
            Spec = new PartialMerge(all ? PartialMode.Join : problem.IsDecision ? PartialMode.Witness : PartialMode.Best, kind, 0);
        }

        var scoreKind = Spec.OrderKind;
        bool sort = Spec.Mode is PartialMode.Best or PartialMode.Top && SortsForPruning(instance, scoreKind, pruning);
        var engine = new TiledEngine(variant, blockRows);
        _context = new EngineContext(instance, scoreKind, scoreKind.Maximises(), engine.Variant, engine.PathFor(instance, sort), blockRows, sort, pruning);
    }

    /// <summary>The problem asked.</summary>
    public Problem Problem { get; }

    /// <summary>K of a top-K list, else null.</summary>
    public int? Top { get; }

    /// <summary>How this solve's partial answers merge.</summary>
    public PartialMerge Spec { get; }

    /// <summary>The plan whose task indices <see cref="Run"/> takes.</summary>
    public EnginePlan Plan => _context.Plan;

    /// <summary>Candidate pairs in tasks [first, end).</summary>
    public long PairsIn(long first, long end)
    {
        long pairs = 0;
        for (long t = first; t < end; t++) pairs += Plan.TaskAt(t).PairCount;
        return pairs;
    }

    /// <summary>
    /// Runs tasks [<paramref name="first"/>, <paramref name="end"/>) of the plan on <paramref name="threads"/> worker
    /// threads (each takes the next task index) and returns their partial answer: the best pair / witness (0 or 1
    /// pair), the top K, or every join pair in (i, j) order.
    /// </summary>
    /// <param name="first">First task index.</param>
    /// <param name="end">One past the last task index.</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="hint">Pairs merged so far elsewhere (same mode): used only to prune, never reported.</param>
    /// <param name="pairsDone">Candidate pairs of each finished task, as it finishes.</param>
    /// <param name="cancellationToken">Checked between tasks.</param>
    public List<ScoredPair> Run(long first, long end, int threads, IReadOnlyList<ScoredPair>? hint = null, IProgress<long>? pairsDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, Plan.TaskCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int workers = (int)Math.Max(1, Math.Min(threads, end - first));
        var context = _context;
        var reducers = new PairReducer[workers];
        switch (Spec.Mode)
        {
            case PartialMode.Best:
            {
                var shared = new SharedBound(context.Maximise);
                if (hint is { Count: > 0 }) shared.Improve(hint[0].Score.Value);
                for (int w = 0; w < workers; w++) reducers[w] = new BestPairReducer(context, shared);
                break;
            }

            case PartialMode.Witness:
            {
                var shared = new SharedKey();
                if (hint is { Count: > 0 }) shared.Lower(context.Key(hint[0].I, hint[0].J));
                for (int w = 0; w < workers; w++) reducers[w] = new FirstWitnessReducer(context, Problem, shared);
                break;
            }

            case PartialMode.Top:
                for (int w = 0; w < workers; w++) reducers[w] = new TopPairsReducer(context, Spec.K);
                break;
            default:
                for (int w = 0; w < workers; w++) reducers[w] = new CollectingJoinReducer(context, Problem);
                break;
        }

        RunRange(context, reducers, first, end, pairsDone, cancellationToken);

        return Spec.Mode switch
        {
            PartialMode.Best => BestPairReducer.Merge(reducers.Cast<BestPairReducer>(), context.ScoreKind) is { } b ? [b] : [],
            PartialMode.Witness => FirstWitnessReducer.Merge(reducers.Cast<FirstWitnessReducer>(), context) is { } w ? [w] : [],
            PartialMode.Top => TopPairsReducer.Merge(reducers.Cast<TopPairsReducer>(), context.ScoreKind, Spec.K),
            _ => Spec.Merge(reducers.Cast<CollectingJoinReducer>().SelectMany(r => r.Hits).ToList(), []),
        };
    }

    /// <summary>The answers a merged partial answer stands for, exactly as <see cref="TiledEngine"/> returns them.</summary>
    public static IReadOnlyList<Answer> Answers(Problem problem, PartialMerge spec, IReadOnlyList<ScoredPair> merged)
    {
        switch (spec.Mode)
        {
            case PartialMode.Best:
                if (merged.Count == 0) throw new InvalidOperationException("the engine visited no pair");
                return [Answer.Pair(problem, merged[0].I, merged[0].J, merged[0].Score)];
            case PartialMode.Witness:
                return [merged.Count == 0 ? Answer.No(problem) : Answer.Pair(problem, merged[0].I, merged[0].J, merged[0].Score)];
            case PartialMode.Top:
                var exact = Problem.Exact(spec.OrderKind);
                return merged.Select(p => Answer.Pair(exact, p.I, p.J, p.Score)).ToList();
            default:
                return merged.Select(p => Answer.Pair(problem, p.I, p.J, p.Score)).ToList();
        }
    }

    /// <summary>The same rule as <see cref="TiledEngine"/> (its one copy): sort rows only where block bounds or filters bite.</summary>
    private static bool SortsForPruning(SimilarityInstance instance, ProblemKind kind, bool pruning) =>
        TiledEngine.SortsForPruning(instance, kind, pruning);

    /// <summary><see cref="EngineExecutor.Run"/> over a range of task indices: each worker takes the next index.</summary>
    private static void RunRange(EngineContext context, PairReducer[] reducers, long first, long end, IProgress<long>? pairsDone, CancellationToken token)
    {
        var plan = context.Plan;
        long next = first - 1;
        int stop = 0;
        Exception? failure = null;

        void Work(int worker)
        {
            try
            {
                var reducer = reducers[worker];
                var runner = context.CreateRunner();
                while (Volatile.Read(ref stop) == 0)
                {
                    if (token.IsCancellationRequested) break;
                    long index = Interlocked.Increment(ref next);
                    if (index >= end) break;
                    var task = plan.TaskAt(index);
                    if (!reducer.SkipTask(task)) runner.Run(task, reducer);
                    reducer.EndTask(task);
                    pairsDone?.Report(task.PairCount);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                Volatile.Write(ref stop, 1);
            }
        }

        var threads = new Thread[reducers.Length - 1];
        for (int w = 1; w < reducers.Length; w++)
        {
            int worker = w;
            threads[w - 1] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"subquad-partial-{w}" };
            threads[w - 1].Start();
        }

        Work(0);
        foreach (var thread in threads) thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        token.ThrowIfCancellationRequested();
    }
}
