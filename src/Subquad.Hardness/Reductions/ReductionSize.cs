namespace Subquad.Hardness.Reductions;

/// <summary>
/// A reduction's size bound, the "Size" of its header as numbers: at most <paramref name="Queries"/> oracle calls, each
/// on at most <paramref name="Rows"/> rows (both sides together) of at most <paramref name="Dimensions"/> dimensions.
/// </summary>
public readonly record struct ReductionSize(long Queries, long Rows, long Dimensions)
{
    /// <inheritdoc/>
    public override string ToString() => $"<= {Queries} calls, <= {Rows} rows, <= {Dimensions} dimensions";
}
