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

    /// <summary>One line per skipped part ("transformer and attention heuristics on LSD_0.5: ...").</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    /// <summary>The construction's name (<see cref="DuelRunner.ConstructionName"/>); null only in outputs of older versions.</summary>
    public string? Construction { get; init; }

    /// <summary>Per (family, n): the yes rate of the main batch and whether the family is a control.</summary>
    public IReadOnlyList<CellInfo> CellInfos { get; init; } = [];

    /// <summary>Where a ladder stopped at the cost cap without reaching the target: (family, n, kind, first budget left out).</summary>
    public IReadOnlyList<CapHit> CapHits { get; init; } = [];

    /// <summary>The lambda sweep's points (kernel approximations' error against the score bound).</summary>
    public IReadOnlyList<Analysis.LambdaSweep.Point> LambdaPoints { get; init; } = [];

    /// <summary>Where each cell run here spent its time (resumed cells have none: their time was spent by the earlier run).</summary>
    public IReadOnlyList<CellTiming> CellTimings { get; init; } = [];

    /// <summary>Total wall time in seconds.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Cells run at once (<see cref="DuelRunner.Jobs"/>): with more than one, each cell ran on one thread and its CPU seconds are its thread's.</summary>
    public int Jobs { get; init; } = 1;
}

/// <summary>One (family, n) cell: its dimension, yes-instances of the main batch, draws needed, and whether the family is a control.</summary>
public sealed record CellInfo(string Family, int N, int Dimensions, int Trials, int Yes, bool Control, double MeanAttempts)
{
    /// <summary>Yes / trials.</summary>
    public double YesRate => Trials == 0 ? double.NaN : (double)Yes / Trials;
}

/// <summary>A ladder that stopped at the cost cap: the next budget would have cost more than full attention's times n^(cap - 2).</summary>
public sealed record CapHit(string Family, int N, string Kind, long NextBudget);

/// <summary>
/// Where one (family, n) cell spent its time: wall and process CPU seconds in all, and per stage ("draw": balanced
/// sampling with its exact solves; "exact", "transformer", "lambda", then one stage per contender kind), each stage
/// exclusive of the draws it triggered. CPU is the process's (all threads, GC included), so on a shared machine it is
/// the honest measure where wall time is inflated by other load.
/// </summary>
public sealed record CellTiming(string Family, int N, double WallSeconds, double CpuSeconds, IReadOnlyList<StageTiming> Stages);

/// <summary>One stage of a cell: wall and process CPU seconds.</summary>
public sealed record StageTiming(string Stage, double WallSeconds, double CpuSeconds);

/// <summary>
/// What a finished (or cancelled) run left in its folder, read back to resume it: the rows and cells, and the per-cell
/// records that are not rows. Without the latter a resumed report lost its cap hits, lambda points and timings for the
/// resumed cells (found on the first full default run, which was resumed once).
/// </summary>
public sealed record DuelCheckpoint(
    IReadOnlyList<DuelRow> Rows,
    IReadOnlyList<string> Cells,
    IReadOnlyList<CapHit> CapHits,
    IReadOnlyList<Analysis.LambdaSweep.Point> LambdaPoints,
    IReadOnlyList<CellTiming> CellTimings)
{
    /// <summary>No previous run.</summary>
    public static DuelCheckpoint Empty { get; } = new([], [], [], [], []);
}
