namespace Subquad.Cluster.Jobs;

/// <summary>One accepted shard of a threshold join: the chunk it answers, its file (name in the shard directory) and pair count.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardRef
{
    [Id(0)] public int Chunk { get; init; }

    [Id(1)] public int Band { get; init; }

    [Id(2)] public required string File { get; init; }

    [Id(3)] public long Pairs { get; init; }
}
