using Subquad.Cluster.Jobs;

namespace Subquad.Cluster.Grains;

/// <summary>
/// A job's persisted progress (Redis in a real cluster, memory for <c>--cluster local</c>): which chunks are merged
/// and the merged partial answer, so a reactivated job grain continues where the lost one stopped.
/// </summary>
[GenerateSerializer]
public sealed class JobState
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobPhase Phase { get; set; }

    [Id(2)] public string? Error { get; set; }

    /// <summary>One byte per chunk: 1 when its result is merged.</summary>
    [Id(3)] public byte[] Done { get; set; } = [];

    [Id(4)] public List<WirePair> Merged { get; set; } = [];

    [Id(5)] public List<ShardRef> Shards { get; set; } = [];

    [Id(6)] public long TasksDone { get; set; }

    [Id(7)] public long PairsDone { get; set; }

    [Id(8)] public DateTime SubmittedUtc { get; set; }

    [Id(9)] public DateTime? FinishedUtc { get; set; }

    [Id(10)] public int DuplicatesDiscarded { get; set; }

    [Id(11)] public int LeasesReclaimed { get; set; }

    /// <summary>When the first chunk was leased (to a silo that had checked and loaded the input): the job's time starts here.</summary>
    [Id(12)] public DateTime? StartedUtc { get; set; }
}
