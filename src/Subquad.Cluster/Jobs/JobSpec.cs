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

    /// <summary>Tasks per chunk (a chunk never crosses a row band).</summary>
    [Id(13)] public required int ChunkTasks { get; init; }

    /// <summary>Where join shards and their manifest go (threshold joins only).</summary>
    [Id(14)] public string? ShardDirectory { get; init; }

    [Id(15)] public required int CountA { get; init; }

    [Id(16)] public required int CountB { get; init; }

    [Id(17)] public required bool Monochromatic { get; init; }

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

    /// <summary>A job for <paramref name="problem"/> on a loaded instance, with the engine's block size.</summary>
    public static JobSpec Create(
        string jobId, SimilarityInstance instance, InputRef input, InputRef? against, VectorKind? kind, Problem problem,
        int? top, bool all, bool pruning, string? shardDirectory, int? chunkTasks = null, int? blockRows = null)
    {
        int rows = blockRows ?? TiledEngine.Default.BlockRowsFor(instance);
        var plan = EnginePlan.Create(instance.A.Count, instance.Right.Count, !instance.IsBichromatic, rows);
        var parameter = problem.Threshold ?? problem.Gamma;
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
            ChunkTasks = chunkTasks ?? DefaultChunkTasks(plan.TaskCount, rows),
            ShardDirectory = shardDirectory,
            CountA = plan.CountA,
            CountB = plan.CountB,
            Monochromatic = plan.Monochromatic,
        };
    }

    /// <summary>
    /// Tasks per chunk: at least 1/512 of the job, and at least 2^25 candidate pairs (about 0.05-0.2 s on one core),
    /// so a killed silo loses little and silos of unequal speed even out, while the per-chunk round trip (one grain
    /// call and one Redis write) stays small against the work.
    /// </summary>
    public static int DefaultChunkTasks(long taskCount, int blockRows)
    {
        long byCount = (taskCount + 511) / 512;
        long byPairs = ((1L << 25) + (long)blockRows * blockRows - 1) / ((long)blockRows * blockRows);
        return (int)Math.Clamp(Math.Max(byCount, byPairs), 1, 1 << 20);
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
