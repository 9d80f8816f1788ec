using Subquad.Core.Problems;

namespace Subquad.Hardness.Reductions;

/// <summary>The size of a source instance, all a reduction's size bound depends on.</summary>
/// <param name="CountA">Rows of the (left) set.</param>
/// <param name="CountB">Rows of the right set (0 when monochromatic).</param>
/// <param name="Dimensions">l.</param>
public readonly record struct InstanceShape(int CountA, int CountB, int Dimensions)
{
    /// <summary>n: every row of the instance, both sides.</summary>
    public long Rows => (long)CountA + CountB;

    /// <summary>The shape of <paramref name="instance"/>.</summary>
    public static InstanceShape Of(SimilarityInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new InstanceShape(instance.A.Count, instance.B?.Count ?? 0, instance.Dimensions);
    }
}
