using Subquad.Core;
using Subquad.Core.Engine;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Gpu.Devices;

namespace Subquad.Gpu.Engine;

/// <summary>
/// The exact engine on a GPU: the CPU engine's plan, reducers and merge (<see cref="TiledEngine"/>) with every
/// block-pair task run by a <see cref="GpuTileRunner"/>. Returns exactly the oracle's answer (<see cref="BruteForce"/>)
/// for every problem, form and mode, as the CPU engine does: binary counts are exact, dense pre-selection keeps every
/// pair within the proven float32 error (<see cref="GpuErrorBound"/>) and re-scores it in float64 on the host.
/// </summary>
/// <remarks>
/// Blocks are large (<see cref="DefaultBlockRows"/> rows: one launch covers 16.8M pairs) so that a launch fills the
/// device; host workers (<see cref="DefaultWorkers"/>) take turns on the device and re-score candidates in parallel.
/// Rows are uploaded once when they fit <see cref="ResidentBudgetBytes"/> (default: half the device memory), else
/// band by band from the host: an instance larger than device memory is tiled, never refused.
/// </remarks>
public sealed class GpuEngine : ISimilaritySolver
{
    /// <summary>Rows per block on the device.</summary>
    public const int DefaultBlockRows = 4096;

    /// <summary>Hits one launch returns before the runner tightens or splits (12 MiB of (p, q, value)).</summary>
    public const int DefaultCapacity = 1 << 20;

    /// <summary>Host workers sharing the device.</summary>
    public static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>An engine on <paramref name="device"/> (not owned: the caller disposes it).</summary>
    public GpuEngine(GpuDevice device)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
        ResidentBudgetBytes = device.MemoryBytes / 2;
    }

    /// <summary>The device the tasks run on.</summary>
    public GpuDevice Device { get; }

    /// <inheritdoc/>
    public string Name => Device.Kind == GpuDeviceKind.Cuda ? "gpu-engine" : "gpu-engine(ilgpu-cpu)";

    /// <summary>Rows per block (a positive multiple of 32; tests use small blocks for ragged tiles).</summary>
    public int BlockRows { get; init; } = DefaultBlockRows;

    /// <summary>Hits per launch before tightening or splitting (at least a block is always kept).</summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>The largest resident copy of the rows; 0 streams every band and block from the host.</summary>
    public long ResidentBudgetBytes { get; init; }

    /// <summary>True when the last solve kept its rows resident on the device (for tests and reports).</summary>
    public bool LastSolveResident { get; private set; }

    /// <inheritdoc/>
    public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default) =>
        Solve(instance, problem, SolveOptions.Default with { CancellationToken = cancellationToken });

    /// <summary>Solves with options (threads = host workers, pruning, progress, cancellation); none changes the answer.</summary>
    public Answer Solve(SimilarityInstance instance, Problem problem, SolveOptions options) =>
        Run(options, (engine, o) => engine.Solve(instance, problem, o), problem?.Kind);

    /// <summary>The k best pairs, best first, ties by smallest (i, j): the same list as <see cref="BruteForce.TopPairs"/>.</summary>
    public IReadOnlyList<Answer> TopPairs(SimilarityInstance instance, ProblemKind kind, int k, SolveOptions? options = null) =>
        Run(options ?? SolveOptions.Default, (engine, o) => engine.TopPairs(instance, kind, k, o), kind);

    /// <summary>Streams every pair meeting a threshold problem (or every orthogonal pair for OV) in (i, j) order.</summary>
    public long PairsMeeting(SimilarityInstance instance, Problem problem, Func<Answer, bool> onPair, SolveOptions? options = null) =>
        Run(options ?? SolveOptions.Default, (engine, o) => engine.PairsMeeting(instance, problem, onPair, o), problem?.Kind);

    private T Run<T>(SolveOptions options, Func<TiledEngine, SolveOptions, T> body, ProblemKind? kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (kind is { } k && k.IsHamming())
        {
            // The device filter and its row-best tightening are written for inner products and cosines; a Hamming
            // bound is a different count test per task, not yet on the device. Refused, never run on the CPU instead.
            throw new PlatformNotSupportedException($"the GPU engine does not run {k.PaperName()} yet; run it without --device (the CPU engine solves it exactly)");
        }

        using var scope = new GpuSolveScope(Device, Capacity, ResidentBudgetBytes);
        var engine = new TiledEngine(blockRows: BlockRows)
        {
            RunnerFactory = scope.CreateRunner,
            Int8CopyBudget = 0, // the CPU screens' one-off copies are not used by the device runner
            SlicedCopyBudget = 0,
        };
        try
        {
            return body(engine, options with { Threads = options.Threads ?? DefaultWorkers });
        }
        finally
        {
            LastSolveResident = scope.UsedResidentRows;
        }
    }
}
