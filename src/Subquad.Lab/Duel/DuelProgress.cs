namespace Subquad.Lab.Duel;

/// <summary>Where a running duel is: the stage just finished and units done out of the total (one unit = one contender's ladder on one (family, n)).</summary>
public readonly record struct DuelProgress(string Stage, int Done, int Total)
{
    /// <summary>
    /// Work done, with each (problem, family, n) cell weighted by n^1.5 (<see cref="CellWeight"/>) and spread evenly over
    /// its units: what an ETA should extrapolate from, since a cell at 2n costs about 2.8 times one at n.
    /// </summary>
    public double WorkDone { get; init; }

    /// <summary>All the experiment's work in the same weights.</summary>
    public double WorkTotal { get; init; }

    /// <summary>The part of <see cref="WorkDone"/> that was resumed from a previous run (took no time in this one).</summary>
    public double WorkResumed { get; init; }

    /// <summary>The cell ("OV critical n=4096") when this report ends a cell, else null.</summary>
    public string? CellFinished { get; init; }

    /// <summary>Wall seconds of the cell that just finished (null when none did, or it was resumed).</summary>
    public double? CellSeconds { get; init; }

    /// <summary>Cells finished (run or resumed) and cells in all.</summary>
    public int CellsDone { get; init; }

    /// <summary>Cells in the experiment.</summary>
    public int CellsTotal { get; init; }

    /// <summary>
    /// A cell's weight: n^1.5. Measured on the critical OV cells (CPU seconds 15 at n = 2^10, 75 at 2^12, 215 at 2^13:
    /// exponents 1.2-1.5 between neighbours), so the ETA it gives is a model, not a promise.
    /// </summary>
    public static double CellWeight(int n) => Math.Pow(n, 1.5);

    /// <summary>
    /// The estimated time left: the elapsed time this run took for the work it did (resumed work excluded), scaled to
    /// the work left; null before any work was done in this run.
    /// </summary>
    public TimeSpan? Remaining(TimeSpan elapsed)
    {
        double ran = WorkDone - WorkResumed;
        if (ran <= 0 || WorkTotal <= 0) return null;
        return TimeSpan.FromSeconds(elapsed.TotalSeconds * Math.Max(0, WorkTotal - WorkDone) / ran);
    }

    /// <summary>
    /// One plain progress line for a log (stderr not a terminal): the UTC time, units done, the stage, elapsed and the
    /// ETA; a finished cell adds its own time and the cells done.
    /// </summary>
    public string Line(TimeSpan elapsed, DateTime utcNow)
    {
        var remaining = Remaining(elapsed);
        string eta = remaining is { } r ? $"ETA {Clock(r)} (cells weighted by n^1.5)" : "ETA unknown";
        string head = $"{utcNow:HH:mm:ss}Z [{Done}/{Total}] {Stage}";
        string cell = CellFinished is null ? "" : CellSeconds is { } s
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; cell {CellFinished} finished in {s:F1} s ({CellsDone}/{CellsTotal} cells)")
            : $"; cell {CellFinished} resumed ({CellsDone}/{CellsTotal} cells)";
        return $"{head}{cell}; elapsed {Clock(elapsed)}, {eta}";
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
}
