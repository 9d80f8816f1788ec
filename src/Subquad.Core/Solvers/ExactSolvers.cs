using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Core.Solvers;

/// <summary>
/// Where callers get exact answers without knowing which implementations exist: the oracle for tests, and the
/// default (fastest exact) solver for everything else, including top-K and streamed threshold joins. The default is
/// the tiled engine (<see cref="TiledEngine"/>), which returns exactly the oracle's answers.
/// </summary>
public static class ExactSolvers
{
    /// <summary>The oracle (<see cref="BruteForce"/>): simple, O(n^2 l), single-threaded.</summary>
    public static ISimilaritySolver Oracle => BruteForce.Instance;

    /// <summary>The solver <c>subquad solve</c> uses by default: the tiled engine with the process's best kernel.</summary>
    public static ISimilaritySolver Default => TiledEngine.Default;

    /// <summary>Solves with the default solver (threads, pruning, progress and cancellation from <paramref name="options"/>).</summary>
    public static Answer Solve(SimilarityInstance instance, Problem problem, SolveOptions? options = null)
    {
        options ??= SolveOptions.Default;
        return TiledEngine.Default.Solve(instance, problem, options);
    }

    /// <summary>The k best pairs for the kind's objective, best first, ties by smallest (i, j) (the same list as <see cref="BruteForce.TopPairs"/>).</summary>
    public static IReadOnlyList<Answer> TopPairs(SimilarityInstance instance, ProblemKind kind, int k, SolveOptions? options = null) =>
        TiledEngine.Default.TopPairs(instance, kind, k, options);

    /// <summary>
    /// Streams every pair that meets a threshold problem (or every orthogonal pair for OV) to <paramref name="onPair"/>
    /// in (i, j) order, holding at most a few row bands of them; <paramref name="onPair"/> returns false to stop early.
    /// Returns the number of pairs delivered.
    /// </summary>
    public static long PairsMeeting(SimilarityInstance instance, Problem problem, Func<Answer, bool> onPair, SolveOptions? options = null) =>
        TiledEngine.Default.PairsMeeting(instance, problem, onPair, options);
}
