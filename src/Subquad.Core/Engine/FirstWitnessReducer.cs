using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// Decisions (threshold problems and OV): the lexicographically smallest pair that meets the threshold, the oracle's
/// witness. Rows run in identity order, so once a witness (i, j) is known anywhere, every task and every row whose
/// smallest pair comes after it is skipped: the early exit.
/// </summary>
internal sealed class FirstWitnessReducer : PairReducer
{
    private readonly ProblemKind _kind;
    private readonly Rational _threshold;
    private readonly double _filter;
    private readonly SharedKey _sharedKey;
    private bool _has;
    private ScoredPair _witness;

    public FirstWitnessReducer(EngineContext context, Problem problem, SharedKey sharedKey)
        : base(context)
    {
        _kind = problem.Kind;
        _threshold = problem.Threshold ?? default;
        _filter = problem.Kind == ProblemKind.Ov ? 0.0 : _threshold.ToDouble();
        _sharedKey = sharedKey;
    }

    public bool HasPair => _has;

    public ScoredPair Witness => _witness;

    public override double FilterValue => _filter;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (!ScoreOrder.MeetsThreshold(_kind, score, _threshold)) return;
        long key = Context.Key(i, j);
        if (_has && key >= Context.Key(_witness.I, _witness.J)) return;
        _has = true;
        _witness = new ScoredPair(i, j, score);
        _sharedKey.Lower(key);
    }

    public override bool SkipTask(in BlockPairTask task)
    {
        long first = Context.Key(task.StartA, task.Diagonal ? task.StartA + 1 : task.StartB);
        if (first > _sharedKey.Value) return true;
        return Context.Pruning && Context.UpperBound(task) is double bound && bound < _filter;
    }

    public override bool StopBeforeRow(int position) => Context.Key(position, 0) > _sharedKey.Value;

    /// <summary>The smallest witness over all workers.</summary>
    public static ScoredPair? Merge(IEnumerable<FirstWitnessReducer> reducers, EngineContext context)
    {
        ScoredPair? best = null;
        foreach (var r in reducers)
        {
            if (r._has && (best is null || context.Key(r._witness.I, r._witness.J) < context.Key(best.Value.I, best.Value.J))) best = r._witness;
        }

        return best;
    }
}

/// <summary>The smallest pair key any worker has found (long.MaxValue when none).</summary>
internal sealed class SharedKey
{
    private long _value = long.MaxValue;

    public long Value => Volatile.Read(ref _value);

    public void Lower(long key)
    {
        long current = Volatile.Read(ref _value);
        while (key < current)
        {
            long seen = Interlocked.CompareExchange(ref _value, key, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
