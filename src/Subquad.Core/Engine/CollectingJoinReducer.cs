using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// A threshold join over a subset of a plan's tasks (<see cref="PartialSolver"/>): the same filter and test as
/// <see cref="JoinReducer"/>, but the hits stay with the reducer for the caller to ship as one partial answer instead
/// of being released band by band. Rows run in identity order.
/// </summary>
internal sealed class CollectingJoinReducer : PairReducer
{
    private readonly ProblemKind _kind;
    private readonly Rational _threshold;
    private readonly double _filter;

    public CollectingJoinReducer(EngineContext context, Problem problem)
        : base(context)
    {
        _kind = problem.Kind;
        _threshold = problem.Threshold ?? default;
        _filter = problem.Kind == ProblemKind.Ov ? 0.0 : _threshold.ToDouble();
    }

    /// <summary>Every pair of the tasks run so far that meets the threshold (unordered).</summary>
    public List<ScoredPair> Hits { get; } = [];

    public override double FilterValue => _filter;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (ScoreOrder.MeetsThreshold(_kind, score, _threshold)) Hits.Add(new ScoredPair(i, j, score));
    }

    public override bool SkipTask(in BlockPairTask task) =>
        Context.Pruning && Context.UpperBound(task) is double bound && bound < _filter;
}
