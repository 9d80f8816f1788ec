namespace Subquad.Core.Problems;

/// <summary>The five problems of the paper (Defs 2.5-2.12, A.2-A.16).</summary>
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

    /// <summary>True when larger scores are better (MSD, Max-IP).</summary>
    public static bool Maximises(this ProblemKind kind) => kind is ProblemKind.Msd or ProblemKind.MaxIp;

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
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses "msd", "lsd", "maxip", "minip", "ov" (case-insensitive; "max-ip" accepted).</summary>
    public static bool TryParse(string text, out ProblemKind kind)
    {
        switch (text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant())
        {
            case "msd": kind = ProblemKind.Msd; return true;
            case "lsd": kind = ProblemKind.Lsd; return true;
            case "maxip": kind = ProblemKind.MaxIp; return true;
            case "minip": kind = ProblemKind.MinIp; return true;
            case "ov": kind = ProblemKind.Ov; return true;
            default: kind = default; return false;
        }
    }
}
