namespace Subquad.Lab.Duel;

/// <summary>
/// A contender as data: its kind and its budget ladder. Kinds and what "budget" means for each:
/// window (W), lsh (rounds; buckets = n / bucketSize), performer (features), linformer (rank), clustered (clusters),
/// taylor (order of the Taylor-exp feature map), linear-causal (the same map in causal recurrent linear attention, reading
/// the sentinel first, then the documents), onepass (state bits S), mamba (SSM state size N per channel; the row
/// reports Mamba's measured cost and the one-pass strategy at Mamba's state bits).
/// </summary>
public sealed record MixerSpec
{
    /// <summary>The kind (see the type's summary).</summary>
    public string Kind { get; init; } = "window";

    /// <summary>Explicit budgets, cheapest first; null means the default ladder (powers of two up to where the cost reaches twice full attention's).</summary>
    public IReadOnlyList<long>? Budgets { get; init; }

    /// <summary>The budget of the "accuracy versus n at a fixed budget" series; null means the kind's default.</summary>
    public long? FixedBudget { get; init; }

    /// <summary>LSH / ALSH: rows per bucket (buckets = the even number nearest n / bucketSize, at least 2). Default max(2, floor(sqrt(n) / 4)).</summary>
    public int? BucketSize { get; init; }

    /// <summary>Sparse heuristics (window, lsh): trailing global rows. Default: the construction's sentinel rows (those after its documents), so the sentinel is visible to every row.</summary>
    public int? GlobalRows { get; init; }

    /// <summary>onepass: "first", "weight", "reservoir" or "sketch" (<see cref="StateLimit.RetentionPolicy"/>); null runs all four (the report takes the best).</summary>
    public string? Policy { get; init; }
}
