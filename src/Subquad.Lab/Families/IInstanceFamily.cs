using Subquad.Core.Problems;

namespace Subquad.Lab.Families;

/// <summary>
/// A seeded distribution of instances for the duel. The same (n, l, problem, seed) always gives the same instance.
/// The truth is never taken from the family: the duel asks the exact engine.
/// </summary>
public interface IInstanceFamily
{
    /// <summary>Name in tables and file names ("random", "planted", "critical", "sat").</summary>
    string Name { get; }

    /// <summary>
    /// An instance with n documents in total (monochromatic: n rows; bichromatic: n/2 per side) of l bits (a family may
    /// fix its own l, e.g. a SAT-derived one), for <paramref name="problem"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The family has no distribution for this problem.</exception>
    SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed);

    /// <summary>
    /// True for an "easy" control family whose answer is (nearly) constant at a given n (random at fixed density): it
    /// is run unbalanced, flagged in the report, and left out of every fit.
    /// </summary>
    bool IsControl => false;
}
