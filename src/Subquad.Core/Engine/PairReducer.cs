using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// One worker's fused reduction: what the tile loop does with the pairs its candidate filter lets through. Each worker
/// owns one reducer (no locks on the hot path); reducers of one solve are merged by a total order afterwards.
/// </summary>
/// <remarks>
/// The tile loop keeps every pair whose fast (kernel) score is within the proven error of <see cref="FilterValue"/>
/// and hands it to <see cref="Offer"/> with its exact oracle score. Nothing a reducer does with the filter can drop a
/// pair the oracle would pick: the filter is always at most as strict as "could tie or beat the bound".
/// </remarks>
internal abstract class PairReducer
{
    protected PairReducer(EngineContext context) => Context = context;

    public EngineContext Context { get; }

    /// <summary>The bound L in value space (cosine or inner product); ±infinity lets every pair through.</summary>
    public abstract double FilterValue { get; }

    /// <summary>Takes a candidate pair (original indices) with its exact oracle score.</summary>
    public abstract void Offer(int i, int j, in PairScore score);

    /// <summary>True when no pair of the task can change this solve's answer (pruning, decided decisions).</summary>
    public virtual bool SkipTask(in BlockPairTask task) => false;

    /// <summary>True when no pair in rows at or after this left position can change the answer.</summary>
    public virtual bool StopBeforeRow(int position) => false;

    /// <summary>Called on a worker whose task threw, before it stops, so a reducer that makes others wait can release them.</summary>
    public virtual void WorkerFailed()
    {
    }

    /// <summary>Called after the worker finished (or skipped) a task.</summary>
    public virtual void EndTask(in BlockPairTask task)
    {
    }

    /// <summary>
    /// The total order every merge uses: negative when (x at xi, xj) comes first, i.e. has the better score, or an
    /// equal score and the lexicographically smaller pair.
    /// </summary>
    public static int Compare(ProblemKind kind, in PairScore x, int xi, int xj, in PairScore y, int yi, int yj)
    {
        int c = ScoreOrder.CompareValues(kind, x, y);
        if (c != 0) return kind.Maximises() ? -c : c;
        return xi != yi ? xi.CompareTo(yi) : xj.CompareTo(yj);
    }
}

/// <summary>A pair with its oracle score.</summary>
internal readonly record struct ScoredPair(int I, int J, PairScore Score);
