using Subquad.Core.Problems;

namespace Subquad.Core.Solvers;

/// <summary>
/// Where callers get exact answers without knowing which implementations exist: the oracle for tests, and the
/// default (fastest exact) solver for everything else, including top-K and streamed threshold joins.
/// </summary>
public static class ExactSolvers
{
    /// <summary>The oracle (<see cref="BruteForce"/>): simple, O(n^2 l), single-threaded.</summary>
    public static ISimilaritySolver Oracle => BruteForce.Instance;

    /// <summary>The solver <c>subquad solve</c> uses by default: the fastest exact solver in this build.</summary>
    public static ISimilaritySolver Default => BruteForce.Instance;

    /// <summary>Solves with the default solver.</summary>
    public static Answer Solve(SimilarityInstance instance, Problem problem, SolveOptions? options = null)
    {
        options ??= SolveOptions.Default;
        return Default.Solve(instance, problem, options.CancellationToken);
    }

    /// <summary>The k best pairs for the kind's objective, best first, ties by smallest (i, j) (see <see cref="BruteForce.TopPairs"/>).</summary>
    public static IReadOnlyList<Answer> TopPairs(SimilarityInstance instance, ProblemKind kind, int k, SolveOptions? options = null)
    {
        options ??= SolveOptions.Default;
        return BruteForce.TopPairs(instance, kind, k, options.CancellationToken);
    }

    /// <summary>
    /// Streams every pair that meets a threshold problem (or every orthogonal pair for OV) to <paramref name="onPair"/>
    /// in (i, j) order, holding none of them; <paramref name="onPair"/> returns false to stop early. Returns the
    /// number of pairs delivered.
    /// </summary>
    public static long PairsMeeting(SimilarityInstance instance, Problem problem, Func<Answer, bool> onPair, SolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(onPair);
        options ??= SolveOptions.Default;
        long delivered = 0;
        foreach (var pair in BruteForce.PairsMeeting(instance, problem, options.CancellationToken))
        {
            delivered++;
            if (!onPair(pair)) break;
        }

        return delivered;
    }
}
