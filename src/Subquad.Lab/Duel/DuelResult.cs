namespace Subquad.Lab.Duel;

/// <summary>What a duel run produced: the experiment, every row finished, whether it ran to the end, and what it skipped (and why).</summary>
public sealed record DuelResult
{
    /// <summary>The experiment run.</summary>
    public required DuelExperiment Experiment { get; init; }

    /// <summary>Every row, in run order.</summary>
    public required IReadOnlyList<DuelRow> Rows { get; init; }

    /// <summary>False when cancelled: <see cref="Rows"/> holds what finished.</summary>
    public required bool Completed { get; init; }

    /// <summary>One line per skipped part ("transformer and heuristics on critical: no construction wired").</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    /// <summary>The construction's name, or null when none was wired.</summary>
    public string? Construction { get; init; }

    /// <summary>Total wall time in seconds.</summary>
    public double ElapsedSeconds { get; init; }
}
