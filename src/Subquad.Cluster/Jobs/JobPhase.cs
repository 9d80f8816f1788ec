namespace Subquad.Cluster.Jobs;

/// <summary>Where a job stands.</summary>
public enum JobPhase
{
    /// <summary>No such job.</summary>
    Unknown,

    /// <summary>Chunks remain.</summary>
    Running,

    /// <summary>Every chunk is merged; the answer is final.</summary>
    Done,

    /// <summary>A silo refused the job (input differs, path outside its data directories, bad file); nothing is merged further.</summary>
    Failed,
}
