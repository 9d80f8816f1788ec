namespace Subquad.Lab.Duel;

/// <summary>One problem of a multi-problem duel: its kind (ov | lsd | minip | maxip | msd) and threshold t (exact decimal; none for OV).</summary>
public sealed record ProblemSpec
{
    /// <summary>ov | lsd | minip | maxip | msd.</summary>
    public string Problem { get; init; } = "ov";

    /// <summary>The threshold t as an exact decimal; null for OV.</summary>
    public string? Threshold { get; init; }
}
