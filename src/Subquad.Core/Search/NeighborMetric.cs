using Subquad.Core.Problems;

namespace Subquad.Core.Search;

/// <summary>
/// What "nearest" means for <see cref="NearestNeighbors"/>: one of the paper's problem scores (MSD: largest cosine,
/// LSD: smallest cosine, Max-IP, Min-IP, OV: smallest inner product on bits, orthogonal rows first) or the Hamming
/// distance of binary rows (smallest first, as FAISS <c>IndexBinaryFlat</c> ranks them).
/// </summary>
public enum NeighborMetric
{
    /// <summary>Largest cosine first (MSD).</summary>
    Msd,

    /// <summary>Smallest cosine first (LSD).</summary>
    Lsd,

    /// <summary>Largest inner product first (Max-IP; FAISS <c>IndexFlatIP</c>).</summary>
    MaxIp,

    /// <summary>Smallest inner product first (Min-IP).</summary>
    MinIp,

    /// <summary>Binary rows, smallest inner product first: the orthogonal rows (inner product 0) lead.</summary>
    Ov,

    /// <summary>Binary rows, smallest Hamming distance |a| + |b| - 2 a.b first (FAISS <c>IndexBinaryFlat</c>).</summary>
    Hamming,
}

/// <summary>Names and properties of <see cref="NeighborMetric"/>.</summary>
public static class NeighborMetrics
{
    /// <summary>The names the CLI accepts, lower case.</summary>
    public const string Names = "msd, lsd, maxip, minip, ov, hamming";

    /// <summary>Parses a lower-case name.</summary>
    public static bool TryParse(string? text, out NeighborMetric metric)
    {
        metric = default;
        if (text is null) return false;
        if (text.Equals("hamming", StringComparison.OrdinalIgnoreCase))
        {
            metric = NeighborMetric.Hamming;
            return true;
        }

        // Max-Hamming (furthest first) has no neighbour metric: "nearest" by the largest distance is not a search.
        if (!ProblemKinds.TryParse(text, out var kind) || kind == ProblemKind.MaxHamming) return false;
        metric = FromKind(kind);
        return true;
    }

    /// <summary>The metric of a problem kind (Min-Hamming is <see cref="NeighborMetric.Hamming"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Max-Hamming, which ranks the furthest first and has no metric.</exception>
    public static NeighborMetric FromKind(ProblemKind kind) => kind switch
    {
        ProblemKind.Msd => NeighborMetric.Msd,
        ProblemKind.Lsd => NeighborMetric.Lsd,
        ProblemKind.MaxIp => NeighborMetric.MaxIp,
        ProblemKind.MinIp => NeighborMetric.MinIp,
        ProblemKind.Ov => NeighborMetric.Ov,
        ProblemKind.MinHamming => NeighborMetric.Hamming,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no nearest-neighbour metric ranks the furthest pair first"),
    };

    /// <summary>Lower-case name.</summary>
    public static string CliName(this NeighborMetric metric) => metric.ToString().ToLowerInvariant();

    /// <summary>True when larger scores are nearer (MSD, Max-IP).</summary>
    public static bool LargerIsNearer(this NeighborMetric metric) => metric is NeighborMetric.Msd or NeighborMetric.MaxIp;

    /// <summary>True for the cosine metrics (zero rows are refused).</summary>
    public static bool IsCosine(this NeighborMetric metric) => metric is NeighborMetric.Msd or NeighborMetric.Lsd;

    /// <summary>True for the metrics defined on binary rows only.</summary>
    public static bool NeedsBinary(this NeighborMetric metric) => metric is NeighborMetric.Ov or NeighborMetric.Hamming;

    /// <summary>True when scores are integers on binary rows (inner products and Hamming distances).</summary>
    public static bool IntegerOnBinary(this NeighborMetric metric) => !metric.IsCosine();
}
