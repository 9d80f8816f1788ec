namespace Subquad.Hardness.Reductions;

/// <summary>The decided answer of a CNF formula: unsatisfiable, or satisfiable with an assignment that was checked.</summary>
/// <param name="Satisfiable">True when satisfiable.</param>
/// <param name="Assignment">For satisfiable formulas: x_v = Assignment[v - 1], verified against the formula.</param>
public sealed record SatOutcome(bool Satisfiable, IReadOnlyList<bool>? Assignment)
{
    /// <summary>The unsatisfiable outcome.</summary>
    public static SatOutcome Unsatisfiable { get; } = new(false, null);
}
