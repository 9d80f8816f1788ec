using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Reductions;

/// <summary>
/// The result of <c>Reduce(instance)</c>: the oracle queries of a reduction and the decoder that turns their answers
/// into the answer of the source problem (paper.md 4.1: transform, call the algorithm, post-process).
/// </summary>
/// <remarks>
/// Queries are built lazily, in index order, and the decoder asks for the answers it needs through a callback, so an
/// OR over many calls (Lemma A.13, the halving of Lemma A.8) stops at the first yes and a binary search (Cor 3.2)
/// asks only O(log) of its candidate queries. <see cref="QueryCount"/> is the number of queries a full run may ask,
/// the paper's call count. A reduction that settles the answer without any call (a zero vector in Thm 3.1) has none.
/// </remarks>
/// <typeparam name="TAnswer">The source problem's answer type.</typeparam>
public sealed class Reduction<TAnswer>
{
    private readonly Func<int, SimilarityQuery> _build;
    private readonly Func<Func<int, Answer>, TAnswer> _decode;
    private readonly SimilarityQuery?[] _built;

    /// <summary>Creates a reduction result with <paramref name="queryCount"/> queries.</summary>
    /// <param name="queryCount">How many queries there are.</param>
    /// <param name="query">Builds query k (called at most once per k).</param>
    /// <param name="decode">Computes the source answer; its argument returns the answer to query k.</param>
    public Reduction(int queryCount, Func<int, SimilarityQuery> query, Func<Func<int, Answer>, TAnswer> decode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        _build = query ?? throw new ArgumentNullException(nameof(query));
        _decode = decode ?? throw new ArgumentNullException(nameof(decode));
        _built = new SimilarityQuery?[queryCount];
    }

    /// <summary>A reduction result that needs no oracle call.</summary>
    public static Reduction<TAnswer> Immediate(TAnswer answer) =>
        new(0, _ => throw new InvalidOperationException("no queries"), _ => answer);

    /// <summary>Number of queries a full run may ask.</summary>
    public int QueryCount => _built.Length;

    /// <summary>Query <paramref name="k"/> (built on first use, then cached).</summary>
    public SimilarityQuery Query(int k) => _built[k] ??= _build(k);

    /// <summary>Every query, building all of them (for <c>subquad reduce</c> and tests).</summary>
    public IEnumerable<SimilarityQuery> AllQueries()
    {
        for (int k = 0; k < QueryCount; k++) yield return Query(k);
    }

    /// <summary>Decodes with answers supplied by <paramref name="answer"/> (each query asked at most once).</summary>
    public TAnswer Decode(Func<SimilarityQuery, Answer> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var answers = new Answer?[QueryCount];
        // A query asked here is built, answered and dropped (unless Query(k) already cached it): an OR over l^2
        // weight-class queries (Lemma A.13) then holds one query at a time, not every one it has asked.
        return _decode(k => answers[k] ??= answer(_built[k] ?? _build(k)));
    }

    /// <summary>Answers the queries with <paramref name="solver"/> and decodes.</summary>
    public TAnswer Solve(ISimilaritySolver solver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(solver);
        return Decode(q => solver.Solve(q.Instance, q.Problem, cancellationToken));
    }
}
