using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// The K best pairs (bounded, best first in the total order). Once K pairs are held, the K-th score is the filter
/// bound and, for maximising kinds, the pruning bound.
/// </summary>
/// <remarks>
/// Held in a binary heap whose root is the worst kept pair, so an offer costs O(log K) and the reducer O(pairs log K)
/// in all (a sorted list's insert cost K per offer: --top 1000000 on n = 3,000 ran for minutes). The heap grows with
/// the pairs offered, never above K, so a large K on a small input does not allocate K slots up front.
/// </remarks>
internal sealed class TopPairsReducer : PairReducer
{
    private readonly int _k;
    private readonly PriorityQueue<ScoredPair, ScoredPair> _heap;

    public TopPairsReducer(EngineContext context, int k)
        : base(context)
    {
        _k = k;
        var kind = context.ScoreKind;
        // The queue's minimum is its root: order "worse first" so the root is the pair to evict.
        _heap = new PriorityQueue<ScoredPair, ScoredPair>(
            Comparer<ScoredPair>.Create((x, y) => Compare(kind, y.Score, y.I, y.J, x.Score, x.I, x.J)));
    }

    /// <summary>The kept pairs, in no particular order.</summary>
    public IEnumerable<ScoredPair> Pairs => _heap.UnorderedItems.Select(e => e.Element);

    /// <summary>How many pairs are kept (a runner that reduces on a device needs it).</summary>
    public int K => _k;

    public override double FilterValue => _k == 0
        ? (Context.Maximise ? double.PositiveInfinity : double.NegativeInfinity)
        : _heap.Count < _k ? (Context.Maximise ? double.NegativeInfinity : double.PositiveInfinity) : _heap.Peek().Score.Value;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (_k == 0) return;
        var pair = new ScoredPair(i, j, score);
        if (_heap.Count < _k)
        {
            _heap.Enqueue(pair, pair);
            return;
        }

        var worst = _heap.Peek();
        if (Compare(Context.ScoreKind, pair.Score, pair.I, pair.J, worst.Score, worst.I, worst.J) >= 0) return;
        _heap.DequeueEnqueue(pair, pair);
    }

    public override bool SkipTask(in BlockPairTask task) =>
        _k == 0 || (Context.Pruning && _heap.Count == _k && Context.UpperBound(task) is double bound && bound < FilterValue);

    /// <summary>The first K of all workers' lists in the total order.</summary>
    public static List<ScoredPair> Merge(IEnumerable<TopPairsReducer> reducers, ProblemKind kind, int k)
    {
        var all = reducers.SelectMany(r => r.Pairs).ToList();
        all.Sort((x, y) => Compare(kind, x.Score, x.I, x.J, y.Score, y.I, y.J));
        return all.Count > k ? all.GetRange(0, k) : all;
    }
}
