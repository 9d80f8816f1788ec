using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Client;

/// <summary>A finished job's answer, exactly as the local engine returns it.</summary>
public static class JobResults
{
    /// <summary>The answers of a best-pair, decision or top-K job.</summary>
    public static IReadOnlyList<Answer> Answers(JobStatus status)
    {
        var spec = Finished(status);
        return PartialSolver.Answers(spec.ToProblem(), spec.Merge(), WirePair.ToScored(status.Result));
    }

    /// <summary>A join's pairs in (i, j) order, streamed from its shards.</summary>
    public static IEnumerable<Answer> Pairs(JobStatus status)
    {
        var spec = Finished(status);
        if (!spec.All) throw new ArgumentException($"job {status.JobId} is not a threshold join", nameof(status));
        var problem = spec.ToProblem();
        return ShardFile.Assemble(spec.ShardDirectory!, status.Shards).Select(p => Answer.Pair(problem, p.I, p.J, p.Score));
    }

    private static JobSpec Finished(JobStatus status)
    {
        if (status.Phase == JobPhase.Failed) throw new ClusterException($"job {status.JobId} failed: {status.Error}");
        if (status.Phase != JobPhase.Done || status.Spec is null) throw new ClusterException($"job {status.JobId} is not finished ({status.ChunksDone}/{status.ChunkCount} chunks)");
        return status.Spec;
    }
}
