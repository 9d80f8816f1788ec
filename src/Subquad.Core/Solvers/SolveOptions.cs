namespace Subquad.Core.Solvers;

/// <summary>Options every solve accepts. None of them may change the answer (STYLE 3.9).</summary>
public sealed record SolveOptions
{
    /// <summary>The defaults: all cores, pruning on, no progress, not cancellable.</summary>
    public static SolveOptions Default { get; } = new();

    /// <summary>Receives the fraction of candidate pairs done, in [0, 1], now and then (never per pair).</summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>Stops the solve with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Worker threads; null means all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>Exact pruning by weight or norm bounds (never changes the answer; off for testing and benchmarks).</summary>
    public bool Pruning { get; init; } = true;
}
