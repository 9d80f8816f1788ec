namespace Subquad.Lab.Duel;

/// <summary>
/// One contender on one instance. <see cref="Correct"/> is null where the contender does not decide (Mamba's cost row).
/// Flops count multiply-adds as 2; for the exact engine and the one-pass strategy it is the bit-operation count
/// 2 * comparisons * l.
/// </summary>
public sealed record DuelRow
{
    /// <summary>Family name.</summary>
    public required string Family { get; init; }

    /// <summary>n: documents in the instance.</summary>
    public required int N { get; init; }

    /// <summary>l.</summary>
    public required int Dimensions { get; init; }

    /// <summary>Trial index within (family, n).</summary>
    public required int Trial { get; init; }

    /// <summary>The instance's seed (rows are reproducible from it).</summary>
    public required int Seed { get; init; }

    /// <summary>exact | transformer | window | lsh | performer | linformer | clustered | taylor | onepass | mamba | onepass@mamba.</summary>
    public required string Kind { get; init; }

    /// <summary>Full name with configuration, e.g. "lsh(rounds=2,buckets=16,global=1)".</summary>
    public required string Mixer { get; init; }

    /// <summary>The budget (null for the reference rows).</summary>
    public long? Budget { get; init; }

    /// <summary>The true answer (exact engine).</summary>
    public required bool Truth { get; init; }

    /// <summary>The contender's answer, or null.</summary>
    public bool? Answer { get; init; }

    /// <summary>Answer == Truth, or null.</summary>
    public bool? Correct { get; init; }

    /// <summary>Wall time in milliseconds.</summary>
    public double TimeMs { get; init; }

    /// <summary>Operation count (see the type's remarks).</summary>
    public double Flops { get; init; }

    /// <summary>State numbers carried (recurrent) or vectors kept (one-pass).</summary>
    public long StateNumbers { get; init; }

    /// <summary>State bits.</summary>
    public long StateBits { get; init; }

    /// <summary>0: the main batch; 1: the confirmation batch (fresh, independent instances) run where a rung reached the target.</summary>
    public int Batch { get; init; }

    /// <summary>The contender saw every key at this budget (LSH with fewer than 4 buckets, ...): reported, left out of fits.</summary>
    public bool FullAttention { get; init; }

    /// <summary>The family is an easy control (constant answer): reported, left out of fits.</summary>
    public bool Control { get; init; }

    /// <summary>Anything worth knowing ("non-finite output").</summary>
    public string? Note { get; init; }
}
