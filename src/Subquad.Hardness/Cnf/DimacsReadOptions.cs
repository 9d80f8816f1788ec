namespace Subquad.Hardness.Cnf;

/// <summary>How forgiving <see cref="DimacsReader"/> is.</summary>
public sealed record DimacsReadOptions
{
    /// <summary>Strict reading (the default): header disagreements are errors.</summary>
    public static DimacsReadOptions Strict { get; } = new();

    /// <summary>
    /// When true, a <c>p cnf</c> header whose counts disagree with the body, a missing header, and a last clause
    /// without its terminating 0 become warnings instead of errors. Literals beyond the declared variable count stay
    /// errors either way: they mean the file is not what its header says.
    /// </summary>
    public bool Lenient { get; init; }
}
