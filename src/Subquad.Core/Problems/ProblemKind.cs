namespace Subquad.Core.Problems;

/// <summary>
/// The five problems of the paper (Defs 2.5-2.12, A.2-A.16), and the closest and furthest pair under Hamming distance
/// (not in the paper; the classic binary similarity search problems, solved by the same engine).
/// </summary>
/// <remarks>New values go at the end: the cluster serializes the kind by its number.</remarks>
public enum ProblemKind
{
    /// <summary>Most Similar Documents: maximise cosine (Def 2.10).</summary>
    Msd,

    /// <summary>Least Similar Documents: minimise cosine (Def A.14).</summary>
    Lsd,

    /// <summary>Maximum inner product (Def A.9).</summary>
    MaxIp,

    /// <summary>Minimum inner product (Def 2.7).</summary>
    MinIp,

    /// <summary>Orthogonal Vectors: is some pair's inner product 0? (Def 2.5). Binary input only.</summary>
    Ov,

    /// <summary>
    /// Closest pair in Hamming distance |a| + |b| - 2 a.b (the number of positions where two binary rows differ):
    /// minimise. Binary input only; zero rows are allowed. Threshold t: is some distance &lt;= t.
    /// </summary>
    MinHamming,

    /// <summary>Furthest pair in Hamming distance: maximise. Binary input only. Threshold t: is some distance &gt;= t.</summary>
    MaxHamming,
}

/// <summary>Exact optimum, multiplicative gamma-approximation, or threshold decision.</summary>
public enum ProblemMode
{
    /// <summary>Find the optimal pair.</summary>
    Exact,

    /// <summary>Find a pair within factor gamma of the optimum (Defs 2.8, 2.11, A.6, A.10, A.15).</summary>
    Gamma,

    /// <summary>Decide whether some pair reaches the threshold t (Defs 2.9, 2.12, A.7, A.11, A.16).</summary>
    Threshold,
}

/// <summary>Facts about each <see cref="ProblemKind"/>.</summary>
public static class ProblemKinds
{
    /// <summary>True for MSD and LSD (score is cosine similarity).</summary>
    public static bool IsCosine(this ProblemKind kind) => kind is ProblemKind.Msd or ProblemKind.Lsd;

    /// <summary>True for Min-Hamming and Max-Hamming (score |a| + |b| - 2 a.b, an integer in [0, l]).</summary>
    public static bool IsHamming(this ProblemKind kind) => kind is ProblemKind.MinHamming or ProblemKind.MaxHamming;

    /// <summary>True when the score is the inner product itself (Max-IP, Min-IP, OV).</summary>
    public static bool IsInnerProduct(this ProblemKind kind) => kind is ProblemKind.MaxIp or ProblemKind.MinIp or ProblemKind.Ov;

    /// <summary>True for the kinds defined on binary vectors only (OV, Hamming).</summary>
    public static bool NeedsBinary(this ProblemKind kind) => kind is ProblemKind.Ov || kind.IsHamming();

    /// <summary>True when larger scores are better (MSD, Max-IP, Max-Hamming).</summary>
    public static bool Maximises(this ProblemKind kind) => kind is ProblemKind.Msd or ProblemKind.MaxIp or ProblemKind.MaxHamming;

    /// <summary>The names <see cref="TryParse"/> accepts, for help and error messages.</summary>
    public const string Names = "msd, lsd, maxip, minip, ov, minhamming or maxhamming";

    /// <summary>Lower-case name used on the command line ("msd", "maxip", ...).</summary>
    public static string CliName(this ProblemKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Name as written in the paper ("MSD", "Max-IP", ...).</summary>
    public static string PaperName(this ProblemKind kind) => kind switch
    {
        ProblemKind.Msd => "MSD",
        ProblemKind.Lsd => "LSD",
        ProblemKind.MaxIp => "Max-IP",
        ProblemKind.MinIp => "Min-IP",
        ProblemKind.Ov => "OV",
        ProblemKind.MinHamming => "Min-Hamming",
        ProblemKind.MaxHamming => "Max-Hamming",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses "msd", "lsd", "maxip", "minip", "ov", "minhamming", "maxhamming" (case-insensitive; "max-ip", "min-hamming" accepted).</summary>
    public static bool TryParse(string text, out ProblemKind kind)
    {
        switch (text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant())
        {
            case "msd": kind = ProblemKind.Msd; return true;
            case "lsd": kind = ProblemKind.Lsd; return true;
            case "maxip": kind = ProblemKind.MaxIp; return true;
            case "minip": kind = ProblemKind.MinIp; return true;
            case "ov": kind = ProblemKind.Ov; return true;
            case "minhamming": kind = ProblemKind.MinHamming; return true;
            case "maxhamming": kind = ProblemKind.MaxHamming; return true;
            default: kind = default; return false;
        }
    }
}
