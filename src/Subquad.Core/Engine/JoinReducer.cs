using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// A streamed threshold join: every pair meeting the threshold, collected per task and handed to the
/// <see cref="JoinCollector"/>, which delivers whole row bands in (i, j) order. Rows run in identity order.
/// </summary>
internal sealed class JoinReducer : PairReducer
{
    private readonly ProblemKind _kind;
    private readonly Rational _threshold;
    private readonly double _filter;
    private readonly JoinCollector _collector;
    private List<ScoredPair> _hits = [];

    public JoinReducer(EngineContext context, Problem problem, JoinCollector collector)
        : base(context)
    {
        _kind = problem.Kind;
        _threshold = problem.Threshold ?? default;
        _filter = problem.Kind == ProblemKind.Ov ? 0.0 : _threshold.ToDouble();
        _collector = collector;
    }

    public override double FilterValue => _filter;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (ScoreOrder.MeetsThreshold(_kind, score, _threshold)) _hits.Add(new ScoredPair(i, j, score));
    }

    public override bool SkipTask(in BlockPairTask task)
    {
        // Back-pressure: a task of a later band waits while the undelivered hits are over the cap (see JoinCollector).
        _collector.WaitForRoom(task.BandA);
        return _collector.Stopped || (Context.Pruning && Context.UpperBound(task) is double bound && bound < _filter);
    }

    public override void WorkerFailed() => _collector.Stop();

    public override void EndTask(in BlockPairTask task)
    {
        _collector.Complete(task.BandA, _hits);
        _hits = [];
    }
}

/// <summary>
/// Gathers a join's hits per row band and releases each band, sorted by (i, j), once all its tasks are done and all
/// earlier bands have been delivered: the caller sees pairs in (i, j) order while at most the finished-but-not-yet-
/// deliverable bands are held in memory.
/// </summary>
/// <remarks>
/// Back-pressure: when the consumer (a CSV writer, a pipe) is slower than the workers, finished bands would pile up
/// without bound (n = 20,000 at threshold 0 grew 160 MB/s). So a worker about to start a task of a band after the one
/// the consumer waits for first waits while the held hits exceed <see cref="HeldCap"/>; the band the consumer waits
/// for never waits, so the join always progresses. Memory beyond the input is then at most the cap, plus the band
/// being delivered (at most BlockRows x n hits), plus each worker's current task (BlockRows^2 hits).
/// </remarks>
internal sealed class JoinCollector
{
    private readonly object _lock = new();
    private readonly long[] _pendingTasks;
    private readonly List<List<ScoredPair>>?[] _bands;
    private readonly CancellationToken _cancellation;
    private bool _workersDone;
    private volatile bool _stopped;
    private long _held;
    private int _nextBand;

    public JoinCollector(EnginePlan plan, CancellationToken cancellation = default, long? heldCap = null)
    {
        _pendingTasks = new long[plan.BandsA];
        for (int band = 0; band < plan.BandsA; band++) _pendingTasks[band] = plan.TasksInBand(band);
        _bands = new List<List<ScoredPair>>?[plan.BandsA];
        _cancellation = cancellation;
        HeldCap = heldCap ?? DefaultHeldCap();
    }

    /// <summary>Hits held in undelivered bands above which workers on later bands wait.</summary>
    public long HeldCap { get; }

    /// <summary>The most hits held at once in undelivered bands (for tests of the bound).</summary>
    public long PeakHeld { get; private set; }

    public bool Stopped => _stopped;

    public void Stop()
    {
        _stopped = true;
        lock (_lock) Monitor.PulseAll(_lock);
    }

    /// <summary>Blocks a worker about to run a task of <paramref name="band"/> while later bands hold too many hits.</summary>
    public void WaitForRoom(int band)
    {
        lock (_lock)
        {
            while (band > _nextBand && _held >= HeldCap && !_stopped && !_cancellation.IsCancellationRequested)
            {
                Monitor.Wait(_lock, 50);
            }
        }
    }

    public void Complete(int band, List<ScoredPair> hits)
    {
        lock (_lock)
        {
            // Kept as the task's own list (no copy into one growing band list, which doubled the peak).
            if (hits.Count > 0) (_bands[band] ??= []).Add(hits);
            _held += hits.Count;
            PeakHeld = Math.Max(PeakHeld, _held);
            _pendingTasks[band]--;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>A quarter of the free memory, at most 64 MiB, in hits.</summary>
    private static long DefaultHeldCap()
    {
        long bytes = Math.Min(64L << 20, IO.MemoryBudget.AvailableBytes() / 4);
        return Math.Max(1L << 16, bytes / System.Runtime.CompilerServices.Unsafe.SizeOf<ScoredPair>());
    }

    public void WorkersFinished()
    {
        lock (_lock)
        {
            _workersDone = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits for band <paramref name="band"/>; returns its hits in (i, j) order, or null when the workers stopped first.</summary>
    public IEnumerable<ScoredPair>? Take(int band)
    {
        List<List<ScoredPair>> lists;
        lock (_lock)
        {
            _nextBand = band;
            Monitor.PulseAll(_lock);
            while (_pendingTasks[band] > 0)
            {
                if (_workersDone) return null;
                Monitor.Wait(_lock);
            }

            lists = _bands[band] ?? [];
            _bands[band] = null;
            _held -= lists.Sum(l => (long)l.Count);
            _nextBand = band + 1;
            Monitor.PulseAll(_lock);
        }

        return Merge(lists);
    }

    /// <summary>The tasks' hit lists merged in (i, j) order: each sorted, then a heap over their heads (O(hits log tasks)).</summary>
    private static IEnumerable<ScoredPair> Merge(List<List<ScoredPair>> lists)
    {
        static int Order(ScoredPair x, ScoredPair y) => x.I != y.I ? x.I.CompareTo(y.I) : x.J.CompareTo(y.J);
        foreach (var list in lists) list.Sort(Order);
        var heads = new PriorityQueue<int, ScoredPair>(Comparer<ScoredPair>.Create(Order));
        var cursor = new int[lists.Count];
        for (int k = 0; k < lists.Count; k++) heads.Enqueue(k, lists[k][0]);
        while (heads.TryDequeue(out int k, out var hit))
        {
            yield return hit;
            if (++cursor[k] < lists[k].Count) heads.Enqueue(k, lists[k][cursor[k]]);
            else lists[k] = []; // release a finished task's hits while the rest of the band is delivered
        }
    }
}
