namespace Subquad.Hardness.Reductions;

/// <summary>A cited result used as a hypothesis: its statement and where it comes from.</summary>
/// <param name="Name">Short name.</param>
/// <param name="Citation">Where it is proved.</param>
/// <param name="Statement">What it says, in the paper's terms.</param>
/// <param name="UsedBy">Which results of the paper depend on it.</param>
public sealed record NamedAssumption(string Name, string Citation, string Statement, string UsedBy);
