namespace Subquad.Cluster.Jobs;

/// <summary>
/// An input file as a job names it: the path every silo reads (a shared filesystem, or a local path in tests) and
/// the size and SHA-256 the submitter saw. A silo checks both before any work, so a file that differs between
/// machines fails the job instead of mixing answers from two inputs.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InputRef
{
    /// <summary>Absolute path.</summary>
    [Id(0)] public required string Path { get; init; }

    /// <summary>Size in bytes.</summary>
    [Id(1)] public required long Size { get; init; }

    /// <summary>SHA-256 of the contents, lowercase hex.</summary>
    [Id(2)] public required string Sha256 { get; init; }
}
