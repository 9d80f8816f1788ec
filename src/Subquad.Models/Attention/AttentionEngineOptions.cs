namespace Subquad.Models.Attention;

/// <summary>Tunables of <see cref="AttentionEngine"/>; none of them changes the exact value computed, only rounding.</summary>
public sealed record AttentionEngineOptions
{
    /// <summary>float64 (default) or float32.</summary>
    public AttentionPrecision Precision { get; init; } = AttentionPrecision.Float64;

    /// <summary>The algorithm; null (default) takes <c>SUBQUAD_ATTENTION_PATH</c> if set, else lets <see cref="AttentionPaths.Choose"/> pick it from the hardware.</summary>
    public AttentionPath? Path { get; init; }

    /// <summary>Score micro-kernel within the path; <see cref="AttentionKernel.Auto"/> (the widest the path runs here) by default.</summary>
    public AttentionKernel Kernel { get; init; } = AttentionKernel.Auto;

    /// <summary>Query rows per work item (a multiple of 4). 64: the Vector512 path reads each key panel once per row
    /// tile, so at n = 16,384 (6.5 MB of keys, past L2) 64 rows halve the key traffic of 32 (single thread, n = 16,384:
    /// 476 against 617-730 ms on the loaded 2-core machine).</summary>
    public int RowTile { get; init; } = 64;

    /// <summary>Key rows per streamed tile (a multiple of 32; the Vector512 path rounds it up to whole key panels of
    /// 4 vectors, 64 keys in float32 and 32 in float64).</summary>
    public int KeyTile { get; init; } = 256;

    /// <summary>Threads; null = all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
