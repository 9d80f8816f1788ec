using System.Numerics;
using Subquad.Core.Engine;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Cluster.Jobs;

/// <summary>
/// A cluster job: the input (checked by size and hash), the problem exactly as <c>solve</c> takes it, and the plan
/// (block size fixed by the submitter so every silo builds the same tasks) cut into chunks of tasks.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobSpec
{
    [Id(0)] public required string JobId { get; init; }

    [Id(1)] public required InputRef Input { get; init; }

    /// <summary>The second file of a bichromatic problem, else null.</summary>
    [Id(2)] public InputRef? Against { get; init; }

    /// <summary>Forced reading (<see cref="VectorKind"/> as int), null: detected.</summary>
    [Id(3)] public int? Kind { get; init; }

    [Id(4)] public required ProblemKind Problem { get; init; }

    [Id(5)] public required ProblemMode Mode { get; init; }

    /// <summary>Threshold or gamma as numerator/denominator (exact), null for exact problems.</summary>
    [Id(6)] public string? ParameterNumerator { get; init; }

    [Id(7)] public string? ParameterDenominator { get; init; }

    [Id(8)] public int? Top { get; init; }

    [Id(9)] public bool All { get; init; }

    [Id(10)] public bool Pruning { get; init; } = true;

    [Id(11)] public required int BlockRows { get; init; }

    /// <summary>The plan's task count, re-checked by every silo against the plan it builds.</summary>
    [Id(12)] public required long TaskCount { get; init; }

    /// <summary>Tasks per chunk: the smallest chunk (guided chunks, <see cref="ChunkShare"/> &gt; 0) or every chunk's size.</summary>
    [Id(13)] public required int ChunkTasks { get; init; }

    /// <summary>Where join shards and their manifest go (threshold joins only).</summary>
    [Id(14)] public string? ShardDirectory { get; init; }

    [Id(15)] public required int CountA { get; init; }

    [Id(16)] public required int CountB { get; init; }

    [Id(17)] public required bool Monochromatic { get; init; }

    /// <summary>
    /// Guided chunks: a chunk takes 1/ChunkShare of the tasks not yet cut into chunks (at least
    /// <see cref="ChunkTasks"/>, at most <see cref="MaxChunkTasks"/>); 0: every chunk holds <see cref="ChunkTasks"/>.
    /// </summary>
    [Id(18)] public int ChunkShare { get; init; }

    /// <summary>The largest chunk in tasks (guided chunks only; 0: no limit).</summary>
    [Id(19)] public long MaxChunkTasks { get; init; }

    /// <summary>The job's chunks (the same on every silo and after the coordinator moves).</summary>
    internal List<Chunk> Chunks() => Chunk.Split(Plan(), ChunkTasks, withinBands: All, ChunkShare, MaxChunkTasks > 0 ? MaxChunkTasks : long.MaxValue);

    /// <summary>The problem object.</summary>
    public Problem ToProblem()
    {
        if (Mode == ProblemMode.Exact) return Subquad.Core.Problems.Problem.Exact(Problem);
        var value = new Rational(BigInteger.Parse(ParameterNumerator!), BigInteger.Parse(ParameterDenominator!));
        return Mode == ProblemMode.Threshold ? Subquad.Core.Problems.Problem.WithThreshold(Problem, value) : Subquad.Core.Problems.Problem.Approximate(Problem, value);
    }

    /// <summary>The plan every silo builds.</summary>
    internal EnginePlan Plan() => EnginePlan.Create(CountA, CountB, Monochromatic, BlockRows);

    /// <summary>How partial answers merge (needs no input).</summary>
    internal PartialMerge Merge()
    {
        if (Top is int k) return new PartialMerge(PartialMode.Top, Problem == ProblemKind.Ov ? ProblemKind.MinIp : Problem, k);
        var p = ToProblem();
        return new PartialMerge(All ? PartialMode.Join : p.IsDecision ? PartialMode.Witness : PartialMode.Best, Problem, 0);
    }

    /// <summary>The solver a silo runs this job's chunks with.</summary>
    internal PartialSolver Solver(SimilarityInstance instance) =>
        new(instance, ToProblem(), Top, All, Pruning, BlockRows);

    /// <summary>
    /// A job for <paramref name="problem"/> on a loaded instance, with the engine's block size. Chunks: fixed at
    /// <paramref name="chunkTasks"/> tasks when given, else guided (<see cref="GuidedChunks"/>) for a cluster of
    /// <paramref name="silos"/> silos.
    /// </summary>
    public static JobSpec Create(
        string jobId, SimilarityInstance instance, InputRef input, InputRef? against, VectorKind? kind, Problem problem,
        int? top, bool all, bool pruning, string? shardDirectory, int? chunkTasks = null, int? blockRows = null, int silos = 1)
    {
        int rows = blockRows ?? TiledEngine.Default.BlockRowsFor(instance);
        var plan = EnginePlan.Create(instance.A.Count, instance.Right.Count, !instance.IsBichromatic, rows);
        var parameter = problem.Threshold ?? problem.Gamma;
        var (min, share, max) = chunkTasks is int fixedTasks ? (fixedTasks, 0, 0L) : GuidedChunks(rows, silos);
        return new JobSpec
        {
            JobId = jobId,
            Input = input,
            Against = against,
            Kind = kind is null ? null : (int)kind.Value,
            Problem = problem.Kind,
            Mode = problem.Mode,
            ParameterNumerator = parameter?.Numerator.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ParameterDenominator = parameter?.Denominator.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Top = top,
            All = all,
            Pruning = pruning,
            BlockRows = rows,
            TaskCount = plan.TaskCount,
            ChunkTasks = min,
            ChunkShare = share,
            MaxChunkTasks = max,
            ShardDirectory = shardDirectory,
            CountA = plan.CountA,
            CountB = plan.CountB,
            Monochromatic = plan.Monochromatic,
        };
    }

    /// <summary>Candidate pairs in the smallest guided chunk: 2^26, about 0.1 s of one core at the engine's rate.</summary>
    public const long MinChunkPairs = 1L << 26;

    /// <summary>Candidate pairs in the largest guided chunk: 2^31, about 3-4 s of one core (what a killed silo can lose per chunk it holds).</summary>
    public const long MaxChunkPairs = 1L << 31;

    /// <summary>
    /// Guided chunk sizes in tasks (smallest, share, largest): each chunk takes 1/share of what is left, share =
    /// max(32, 4 x silos), between <see cref="MinChunkPairs"/> and <see cref="MaxChunkPairs"/> candidate pairs. So
    /// a job has about share x (1 + ln(pairs / (share x 2^26))) chunks (60 for dense n = 100,000 on 2 silos, against
    /// 149 fixed chunks of 2^25 pairs before): few round trips, large chunks while much is left, and chunks of ~0.1 s
    /// at the end, so the last silo to finish keeps the others waiting for at most about one small chunk.
    /// </summary>
    public static (int MinTasks, int Share, long MaxTasks) GuidedChunks(int blockRows, int silos)
    {
        long tile = (long)blockRows * blockRows;
        int min = (int)Math.Clamp((MinChunkPairs + tile - 1) / tile, 1, 1 << 20);
        long max = Math.Max(min, MaxChunkPairs / tile);
        return (min, Math.Max(32, 4 * Math.Max(1, silos)), max);
    }

    /// <summary>Loads the input as the job names it (read-only).</summary>
    public SimilarityInstance Load()
    {
        VectorKind? forced = Kind is int k ? (VectorKind)k : null;
        var a = VectorFile.Read(Input.Path, forced);
        return Against is null
            ? SimilarityInstance.Monochromatic(a)
            : SimilarityInstance.Bichromatic(a, VectorFile.Read(Against.Path, forced ?? (a.IsBinary ? null : VectorKind.Dense)));
    }
}
