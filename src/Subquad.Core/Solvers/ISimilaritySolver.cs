using Subquad.Core.Problems;

namespace Subquad.Core.Solvers;

/// <summary>
/// Solves any <see cref="Problem"/> on a <see cref="SimilarityInstance"/>. Every implementation returns exactly the
/// oracle's answer (<see cref="BruteForce"/>): same pair, same tie-break, same reported score.
/// </summary>
public interface ISimilaritySolver
{
    /// <summary>A short name for reports ("oracle", "engine").</summary>
    string Name { get; }

    /// <summary>Solves the problem.</summary>
    /// <exception cref="InputException">The problem cannot be asked on this instance (see <see cref="SimilarityInstance.Validate"/>).</exception>
    Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default);
}
