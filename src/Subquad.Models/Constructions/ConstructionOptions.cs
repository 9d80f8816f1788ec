namespace Subquad.Models.Constructions;

/// <summary>How to build a construction.</summary>
public sealed record ConstructionOptions
{
    /// <summary>Robust (default) or Paper scale.</summary>
    public ConstructionScale Scale { get; init; } = ConstructionScale.Robust;

    /// <summary>Corrected (default) or as written.</summary>
    public ConstructionVariant Variant { get; init; } = ConstructionVariant.Corrected;

    /// <summary>
    /// Adds the pair-decoding value columns and the positional tie-break (Corrected and Robust only; see
    /// <see cref="PairSearch"/>).
    /// </summary>
    public bool Search { get; init; }
}
