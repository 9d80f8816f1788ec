namespace Subquad.Cluster.Jobs;

/// <summary>A job's answer to a silo asking for work: a chunk to run, or why there is none.</summary>
[GenerateSerializer, Immutable]
public sealed record Lease
{
    /// <summary>The job's phase; a chunk is given only while Running.</summary>
    [Id(0)] public JobPhase Phase { get; init; }

    /// <summary>The chunk to run, or null: every remaining chunk is leased to a live silo (ask again shortly).</summary>
    [Id(1)] public Chunk? Chunk { get; init; }

    /// <summary>The best pair or witness merged so far (prunes; never reported by the chunk).</summary>
    [Id(2)] public List<WirePair> Hint { get; init; } = [];
}
