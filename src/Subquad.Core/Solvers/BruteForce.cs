using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Core.Solvers;

/// <summary>
/// The oracle: every problem solved by the obvious O(n^2 l) loops over all pairs in lexicographic order. It is the
/// reference every other solver, reduction and transformer is tested against, so it is kept simple and obviously
/// right: no blocking, no pruning, no threads.
/// </summary>
/// <remarks>
/// Tie-break: pairs are visited in order (0,1), (0,2), ..., (1,2), ... (or (a, b) row-major for bichromatic), and a
/// candidate replaces the incumbent only when strictly better, so the smallest (i, j) among the optima wins. A
/// decision returns the first pair that meets the threshold.
/// </remarks>
public sealed class BruteForce : ISimilaritySolver
{
    /// <summary>The shared instance (the oracle has no state).</summary>
    public static BruteForce Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "oracle";

    /// <inheritdoc/>
    public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.Validate(problem);
        var kind = problem.Kind;

        if (problem.IsDecision)
        {
            var t = problem.Threshold ?? default;
            foreach (var (i, j) in Pairs(instance, cancellationToken))
            {
                var score = PairScoring.Score(kind, instance.A, i, instance.Right, j);
                if (ScoreOrder.MeetsThreshold(kind, score, t)) return Answer.Pair(problem, i, j, score);
            }

            return Answer.No(problem);
        }

        int bestI = -1, bestJ = -1;
        PairScore best = default;
        foreach (var (i, j) in Pairs(instance, cancellationToken))
        {
            var score = PairScoring.Score(kind, instance.A, i, instance.Right, j);
            if (bestI < 0 || ScoreOrder.Better(kind, score, best))
            {
                (bestI, bestJ, best) = (i, j, score);
            }
        }

        // The exact optimum is also a valid gamma-approximation (paper.md 4.2.2).
        return Answer.Pair(problem, bestI, bestJ, best);
    }

    /// <summary>
    /// The k best pairs for <paramref name="kind"/>'s objective, best first, ties by smallest (i, j).
    /// For OV the order is Min-IP's.
    /// </summary>
    public static IReadOnlyList<Answer> TopPairs(SimilarityInstance instance, ProblemKind kind, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var order = kind == ProblemKind.Ov ? ProblemKind.MinIp : kind;
        var problem = Problem.Exact(order);
        instance.Validate(problem);
        var all = new List<(int I, int J, PairScore S)>();
        foreach (var (i, j) in Pairs(instance, cancellationToken))
        {
            all.Add((i, j, PairScoring.Score(order, instance.A, i, instance.Right, j)));
        }

        all.Sort((x, y) =>
        {
            int c = ScoreOrder.CompareValues(order, x.S, y.S);
            if (c != 0) return order.Maximises() ? -c : c;
            return x.I != y.I ? x.I.CompareTo(y.I) : x.J.CompareTo(y.J);
        });
        return all.Take(k).Select(p => Answer.Pair(problem, p.I, p.J, p.S)).ToList();
    }

    /// <summary>Every pair that meets a threshold problem (or every orthogonal pair for OV), in (i, j) order.</summary>
    public static IReadOnlyList<Answer> PairsMeeting(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        if (!problem.IsDecision) throw new ArgumentException($"{problem} is not a threshold problem", nameof(problem));
        instance.Validate(problem);
        var result = new List<Answer>();
        var t = problem.Threshold ?? default;
        foreach (var (i, j) in Pairs(instance, cancellationToken))
        {
            var score = PairScoring.Score(problem.Kind, instance.A, i, instance.Right, j);
            if (ScoreOrder.MeetsThreshold(problem.Kind, score, t)) result.Add(Answer.Pair(problem, i, j, score));
        }

        return result;
    }

    /// <summary>All candidate pairs in lexicographic order: i &lt; j (mono) or A x B (bichromatic).</summary>
    public static IEnumerable<(int I, int J)> Pairs(SimilarityInstance instance, CancellationToken cancellationToken = default)
    {
        int n = instance.A.Count;
        int m = instance.Right.Count;
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int j = instance.IsBichromatic ? 0 : i + 1; j < m; j++) yield return (i, j);
        }
    }
}
