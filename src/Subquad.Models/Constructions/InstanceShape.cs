using Subquad.Core.Problems;

namespace Subquad.Models.Constructions;

/// <summary>
/// What a construction may depend on besides the problem (Def 2.3: parameters depend on n, l and t, never on the
/// instance): the width l and the row counts. n = CountA + CountB document rows.
/// </summary>
/// <param name="Dimensions">l.</param>
/// <param name="CountA">Rows of A (all rows when monochromatic).</param>
/// <param name="CountB">Rows of B, or null when monochromatic.</param>
public sealed record InstanceShape(int Dimensions, int CountA, int? CountB)
{
    /// <summary>Number of document rows n fed to the transformer.</summary>
    public int Documents => CountA + (CountB ?? 0);

    /// <summary>True for A x B.</summary>
    public bool IsBichromatic => CountB is not null;

    /// <summary>The shape of an instance.</summary>
    public static InstanceShape Of(SimilarityInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new InstanceShape(instance.Dimensions, instance.A.Count, instance.B?.Count);
    }
}
