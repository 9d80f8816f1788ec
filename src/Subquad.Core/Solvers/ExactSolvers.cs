namespace Subquad.Core.Solvers;

/// <summary>Where callers get an exact solver without knowing which implementations exist.</summary>
public static class ExactSolvers
{
    /// <summary>The oracle (<see cref="BruteForce"/>): simple, O(n^2 l), single-threaded.</summary>
    public static ISimilaritySolver Oracle => BruteForce.Instance;

    /// <summary>The solver <c>subquad solve</c> uses by default: the fastest exact solver in this build.</summary>
    public static ISimilaritySolver Default => BruteForce.Instance;
}
