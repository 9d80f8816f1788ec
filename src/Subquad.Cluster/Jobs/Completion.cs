namespace Subquad.Cluster.Jobs;

/// <summary>The job's reply to a finished chunk: whether its result was merged, and the silo's next lease.</summary>
[GenerateSerializer, Immutable]
public sealed record Completion
{
    /// <summary>False when another silo's result for the chunk was merged first.</summary>
    [Id(0)] public bool Accepted { get; init; }

    [Id(1)] public required Lease Next { get; init; }
}
