using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// Exact and gamma problems: the running best pair (best score, then smallest (i, j)). Shares its score through a
/// <see cref="SharedBound"/> so every worker filters and prunes against the best seen anywhere.
/// </summary>
internal sealed class BestPairReducer : PairReducer
{
    private readonly SharedBound _shared;
    private bool _has;
    private ScoredPair _best;

    public BestPairReducer(EngineContext context, SharedBound shared)
        : base(context) => _shared = shared;

    public bool HasPair => _has;

    public ScoredPair Best => _best;

    public override double FilterValue => _shared.Value;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (_has && Compare(Context.ScoreKind, score, i, j, _best.Score, _best.I, _best.J) >= 0) return;
        _has = true;
        _best = new ScoredPair(i, j, score);
        _shared.Improve(score.Value);
    }

    public override bool SkipTask(in BlockPairTask task)
    {
        if (Context.Pruning && Context.UpperBound(task) is double bound && bound < _shared.Value) return true;
        return Saturated && Context.Key(task.StartA, task.Diagonal ? task.StartA + 1 : task.StartB) > Context.Key(_best.I, _best.J);
    }

    public override bool StopBeforeRow(int position) => Saturated && position > _best.I;

    /// <summary>
    /// True when the best cannot be beaten (<see cref="ScoreOrder.IsUnbeatable"/>: a binary inner product of 0 for
    /// Min-IP / LSD / OV, a Hamming distance of 0 for Min-Hamming): only a smaller (i, j) can tie it, so (rows in
    /// identity order) later rows are skipped like a decided decision.
    /// </summary>
    private bool Saturated => _has && Context.IdentityOrder && ScoreOrder.IsUnbeatable(Context.ScoreKind, _best.Score);

    /// <summary>The merged answer of all workers: the first pair in the total order.</summary>
    public static ScoredPair? Merge(IEnumerable<BestPairReducer> reducers, ProblemKind kind)
    {
        ScoredPair? best = null;
        foreach (var r in reducers)
        {
            if (!r._has) continue;
            var b = r._best;
            if (best is null || Compare(kind, b.Score, b.I, b.J, best.Value.Score, best.Value.I, best.Value.J) < 0) best = b;
        }

        return best;
    }
}
