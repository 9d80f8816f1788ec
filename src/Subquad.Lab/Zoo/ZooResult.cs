namespace Subquad.Lab.Zoo;

/// <summary>A sweep's outcome: rows (finished runs, resumed ones included), controls, skipped runs with the reason, and whether it completed.</summary>
public sealed record ZooResult(ZooExperiment Experiment, IReadOnlyList<ZooRow> Rows, IReadOnlyList<ZooControl> Controls, IReadOnlyList<string> Skipped, bool Completed, double ElapsedSeconds)
{
    /// <summary>The one-pass reference curve per (task, family, n), on the first test sequences.</summary>
    public IReadOnlyList<ZooOnePassPoint> OnePass { get; init; } = [];
}
