namespace Subquad.Lab.Duel;

/// <summary>
/// An instance family as data: <c>{"kind": "random", "density": 0.5}</c>, <c>{"kind": "planted", "density": 0.3,
/// "margin": 2}</c>, <c>{"kind": "critical"}</c>, <c>{"kind": "sat"}</c> (CNF -> OV by split and list, Subquad.Hardness;
/// see <see cref="Families.SatFamily"/>).
/// </summary>
public sealed record FamilySpec
{
    /// <summary>random | planted | critical | sat.</summary>
    public string Kind { get; init; } = "random";

    /// <summary>Bit density p (random, planted).</summary>
    public double? Density { get; init; }

    /// <summary>Shared-ones margin (planted).</summary>
    public int? Margin { get; init; }
}
