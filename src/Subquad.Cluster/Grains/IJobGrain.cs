using Subquad.Cluster.Jobs;

namespace Subquad.Cluster.Grains;

/// <summary>
/// A job's coordinator, keyed by job id: hands out chunks to silos that ask (work pulling), merges their results
/// by the engine's total order and persists progress after every merge.
/// </summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job; submitting the same spec again is a no-op, a different spec under the same id an error.</summary>
    Task Submit(JobSpec spec);

    /// <summary>
    /// The next chunk for silo <paramref name="silo"/>. A silo may hold two leases (the chunk it runs and the next
    /// one, asked for while it runs); near the job's end a second lease is refused while other silos could take the
    /// chunk. <paramref name="holdsNone"/>: the silo runs no chunk of this job now, so leases the coordinator still
    /// counts as its (left by a call that failed) are given back first.
    /// </summary>
    Task<Lease> Lease(string silo, bool holdsNone = false);

    /// <summary>
    /// A chunk's result (pairs, or for joins the shard file written for it), and the silo's next lease in the same
    /// round trip. Not accepted when the chunk was already merged (the caller then deletes its shard): the first
    /// result of a chunk wins, later ones are dropped.
    /// </summary>
    Task<Completion> Complete(string silo, int chunk, List<WirePair> pairs, string? shardFile, long shardPairs);

    /// <summary>Stops the job with a one-line reason (a silo could not run it as submitted).</summary>
    Task Fail(string silo, string reason);

    /// <summary>Progress, and the answer once done.</summary>
    Task<JobStatus> Status();
}
