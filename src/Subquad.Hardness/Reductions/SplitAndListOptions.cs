namespace Subquad.Hardness.Reductions;

/// <summary>Limits for <see cref="CnfSatToOrthogonalVectors"/>.</summary>
public sealed record SplitAndListOptions
{
    /// <summary>The defaults: a 2 GiB budget for both halves.</summary>
    public static SplitAndListOptions Default { get; } = new();

    /// <summary>
    /// The most bytes the two halves may take (rows are 512-bit padded, so 64 bytes per row up to m = 512). The
    /// default 2 GiB admits N up to 46 at m &lt;= 512; uf50 (2^25 rows a side) is refused with its size.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Threads building the rows; null means all cores.</summary>
    public int? Threads { get; init; }
}
