namespace Subquad.Models.Attention;

/// <summary>Tunables of <see cref="AttentionEngine"/>; none of them changes the exact value computed, only rounding.</summary>
public sealed record AttentionEngineOptions
{
    /// <summary>float64 (default) or float32.</summary>
    public AttentionPrecision Precision { get; init; } = AttentionPrecision.Float64;

    /// <summary>Score micro-kernel; <see cref="AttentionKernel.Auto"/> by default.</summary>
    public AttentionKernel Kernel { get; init; } = AttentionKernel.Auto;

    /// <summary>Query rows per work item (a multiple of 4).</summary>
    public int RowTile { get; init; } = 32;

    /// <summary>Key rows per streamed tile (a multiple of 32).</summary>
    public int KeyTile { get; init; } = 256;

    /// <summary>Threads; null = all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
