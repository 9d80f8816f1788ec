namespace Subquad.Lab.Zoo;

/// <summary>
/// One finished run. Accuracy counts labelled tokens on the held-out test sequences (n - 1 per sequence for partner
/// recall, 1 for decision); sequence accuracy counts sequences with every label right. Tokens of one sequence are
/// not independent, so the token interval is narrower than the truth: the report leads with the sequence interval
/// wherever it claims "solved".
/// </summary>
public sealed record ZooRow
{
    public required string Task { get; init; }
    public required string Family { get; init; }
    public required int N { get; init; }
    public required string Mixer { get; init; }
    public required int Width { get; init; }
    public required int Layers { get; init; }
    public required long StateNumbers { get; init; }
    public required long StateBits { get; init; }
    public required string StateFormula { get; init; }
    public required int Seed { get; init; }
    public required double Lr { get; init; }
    public required int Steps { get; init; }
    public required int Batch { get; init; }
    public required long Parameters { get; init; }
    public required bool Diverged { get; init; }
    public required double FinalLoss { get; init; }
    public required double ValidationRate { get; init; }
    public bool Selected { get; set; }
    public required Proportion Accuracy { get; init; }
    public required Proportion SequenceAccuracy { get; init; }
    public required double TrainTimeMs { get; init; }

    /// <summary>The run's identity.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ZooRunKey Key => new(Task, Family, N, Mixer, Width, Seed, Lr);
}
