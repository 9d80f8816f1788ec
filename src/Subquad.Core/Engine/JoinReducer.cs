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

    public override bool SkipTask(in BlockPairTask task) =>
        _collector.Stopped || (Context.Pruning && Context.UpperBound(task) is double bound && bound < _filter);

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
internal sealed class JoinCollector
{
    private readonly object _lock = new();
    private readonly long[] _pendingTasks;
    private readonly List<ScoredPair>?[] _bands;
    private bool _workersDone;
    private volatile bool _stopped;

    public JoinCollector(EnginePlan plan)
    {
        _pendingTasks = new long[plan.BandsA];
        for (int band = 0; band < plan.BandsA; band++) _pendingTasks[band] = plan.TasksInBand(band);
        _bands = new List<ScoredPair>?[plan.BandsA];
    }

    public bool Stopped => _stopped;

    public void Stop() => _stopped = true;

    public void Complete(int band, List<ScoredPair> hits)
    {
        lock (_lock)
        {
            (_bands[band] ??= []).AddRange(hits);
            _pendingTasks[band]--;
            Monitor.PulseAll(_lock);
        }
    }

    public void WorkersFinished()
    {
        lock (_lock)
        {
            _workersDone = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits for band <paramref name="band"/>; returns its hits sorted, or null when the workers stopped first.</summary>
    public List<ScoredPair>? Take(int band)
    {
        lock (_lock)
        {
            while (_pendingTasks[band] > 0)
            {
                if (_workersDone) return null;
                Monitor.Wait(_lock);
            }

            var hits = _bands[band] ?? [];
            _bands[band] = null;
            hits.Sort((x, y) => x.I != y.I ? x.I.CompareTo(y.I) : x.J.CompareTo(y.J));
            return hits;
        }
    }
}
