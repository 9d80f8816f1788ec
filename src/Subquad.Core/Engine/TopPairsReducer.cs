using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// The K best pairs (bounded, best first in the total order). Once K pairs are held, the K-th score is the filter
/// bound and, for maximising kinds, the pruning bound.
/// </summary>
internal sealed class TopPairsReducer : PairReducer
{
    private readonly int _k;
    private readonly List<ScoredPair> _pairs = [];
    private readonly Comparison<ScoredPair> _order;

    public TopPairsReducer(EngineContext context, int k)
        : base(context)
    {
        _k = k;
        var kind = context.ScoreKind;
        _order = (x, y) => Compare(kind, x.Score, x.I, x.J, y.Score, y.I, y.J);
    }

    public IReadOnlyList<ScoredPair> Pairs => _pairs;

    /// <summary>How many pairs are kept (a runner that reduces on a device needs it).</summary>
    public int K => _k;

    public override double FilterValue => _k == 0
        ? (Context.Maximise ? double.PositiveInfinity : double.NegativeInfinity)
        : _pairs.Count < _k ? (Context.Maximise ? double.NegativeInfinity : double.PositiveInfinity) : _pairs[^1].Score.Value;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (_k == 0) return;
        var pair = new ScoredPair(i, j, score);
        if (_pairs.Count == _k && _order(pair, _pairs[^1]) >= 0) return;
        int at = _pairs.BinarySearch(pair, Comparer<ScoredPair>.Create(_order));
        _pairs.Insert(at < 0 ? ~at : at, pair);
        if (_pairs.Count > _k) _pairs.RemoveAt(_pairs.Count - 1);
    }

    public override bool SkipTask(in BlockPairTask task) =>
        _k == 0 || (Context.Pruning && _pairs.Count == _k && Context.UpperBound(task) is double bound && bound < FilterValue);

    /// <summary>The first K of all workers' lists in the total order.</summary>
    public static List<ScoredPair> Merge(IEnumerable<TopPairsReducer> reducers, ProblemKind kind, int k)
    {
        var all = reducers.SelectMany(r => r._pairs).ToList();
        all.Sort((x, y) => Compare(kind, x.Score, x.I, x.J, y.Score, y.I, y.J));
        return all.Count > k ? all.GetRange(0, k) : all;
    }
}
