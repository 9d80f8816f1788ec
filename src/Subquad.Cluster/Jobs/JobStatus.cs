namespace Subquad.Cluster.Jobs;

/// <summary>What <c>cluster status</c> shows and <c>cluster result</c> prints from.</summary>
[GenerateSerializer, Immutable]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }

    [Id(1)] public JobPhase Phase { get; init; }

    [Id(2)] public JobSpec? Spec { get; init; }

    [Id(3)] public string? Error { get; init; }

    [Id(4)] public int ChunksDone { get; init; }

    [Id(5)] public int ChunkCount { get; init; }

    [Id(6)] public long TasksDone { get; init; }

    [Id(7)] public long PairsDone { get; init; }

    [Id(8)] public long PairCount { get; init; }

    /// <summary>
    /// The job's computing time: seconds from its first lease (given to a silo only after it checked and loaded the
    /// input) to its last merge, or to now while running; 0 before the first lease. Like <c>solve</c>'s time, it
    /// excludes loading the input; see <see cref="StartSeconds"/>.
    /// </summary>
    [Id(9)] public double Seconds { get; init; }

    /// <summary>The merged answer's pairs (best pair, witness or top K); empty for joins.</summary>
    [Id(10)] public List<WirePair> Result { get; init; } = [];

    /// <summary>A join's accepted shards in chunk order (the manifest).</summary>
    [Id(11)] public List<ShardRef> Shards { get; init; } = [];

    /// <summary>Chunks run more than once (a silo died, or the job's coordinator moved): their second results were discarded.</summary>
    [Id(12)] public int DuplicatesDiscarded { get; init; }

    /// <summary>Chunks whose lease was taken back from a silo the cluster declared dead.</summary>
    [Id(13)] public int LeasesReclaimed { get; init; }

    /// <summary>Silos that completed a chunk in the last 10 s.</summary>
    [Id(14)] public int SilosWorking { get; init; }

    /// <summary>The silo hosting the job's coordinator (its grain) right now.</summary>
    [Id(15)] public string? CoordinatorSilo { get; init; }

    /// <summary>Seconds from submission to the first lease: silos checking (size, SHA-256) and loading the input.</summary>
    [Id(16)] public double StartSeconds { get; init; }
}
