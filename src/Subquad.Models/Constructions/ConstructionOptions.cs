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

    /// <summary>
    /// How monochromatic "max" constructions suppress each row's attention to itself: position codes of length
    /// O(polylog n) (default; m = l + 2 + k) or the one-hot block of n columns (m = l + 2 + n, the reference).
    /// </summary>
    public SelfSuppression SelfSuppression { get; init; } = SelfSuppression.PositionCode;
}
