using Subquad.Hardness.Reductions;

namespace Subquad.Hardness.Sat;

/// <summary>What <see cref="SatDecider.Decide"/> did and found.</summary>
public sealed record SatReport
{
    /// <summary>The verified answer.</summary>
    public required SatOutcome Outcome { get; init; }

    /// <summary>The chain used.</summary>
    public required string Chain { get; init; }

    /// <summary>The bottom solver's name.</summary>
    public required string Solver { get; init; }

    /// <summary>N.</summary>
    public required int Variables { get; init; }

    /// <summary>m.</summary>
    public required int Clauses { get; init; }

    /// <summary>Split and list, then every reduction stage, then the bottom solver.</summary>
    public required IReadOnlyList<StageReport> Stages { get; init; }

    /// <summary>Rows of A and B built by split and list.</summary>
    public required long OvVectors { get; init; }

    /// <summary>Seconds split and list took.</summary>
    public required double BuildSeconds { get; init; }

    /// <summary>Seconds below split and list (reductions and solver).</summary>
    public required double SolveSeconds { get; init; }

    /// <summary>
    /// For the OV chain: the bichromatic pairs up to and including the witness in row-major (a, b) order, or all
    /// |A| |B| pairs when unsatisfiable: the pairs an in-order scan with early exit examines. Null for other chains.
    /// </summary>
    public long? PairsScanned { get; init; }

    /// <summary>Split-and-list vectors built per second.</summary>
    public double VectorsPerSecond => BuildSeconds > 0 ? OvVectors / BuildSeconds : double.PositiveInfinity;

    /// <summary>Pairs scanned per second of solve time (OV chain), or null.</summary>
    public double? PairsPerSecond => PairsScanned is long p && SolveSeconds > 0 ? p / SolveSeconds : null;
}
