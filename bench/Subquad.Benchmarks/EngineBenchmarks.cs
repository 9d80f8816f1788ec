using BenchmarkDotNet.Attributes;
using Subquad.Core.Engine;
using Subquad.Core.Generators;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Benchmarks;

/// <summary>
/// Whole engine solves per variant against the oracle's baseline (<see cref="OracleBenchmarks"/>, same instance family).
/// A forced variant never changes the path, so the widest variant runs the engine's own choice and the narrower ones
/// the path every variant runs (<see cref="EnginePath.Tiles"/>, <see cref="EnginePath.DenseFloat32"/>).
/// </summary>
public class EngineBenchmarks
{
    private SimilarityInstance _binary = null!;
    private SimilarityInstance _dense = null!;

    [Params(2000)]
    public int N { get; set; }

    [ParamsSource(nameof(Variants))]
    public KernelVariant Variant { get; set; }

    public static IEnumerable<KernelVariant> Variants() => KernelDispatch.Supported;

    [GlobalSetup]
    public void Setup()
    {
        _binary = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(N, 1024, 0.05, 1));
        _dense = SimilarityInstance.Monochromatic(InstanceGenerator.RandomDense(N, 256, 1));
    }

    [Benchmark]
    public Answer BinaryMsd() => Engine(EnginePath.Tiles).Solve(_binary, Problem.Exact(ProblemKind.Msd), SolveOptions.Default);

    [Benchmark]
    public Answer BinaryMaxIp() => Engine(EnginePath.Tiles).Solve(_binary, Problem.Exact(ProblemKind.MaxIp), SolveOptions.Default);

    [Benchmark]
    public Answer DenseMsd() => Engine(EnginePath.DenseFloat32).Solve(_dense, Problem.Exact(ProblemKind.Msd), SolveOptions.Default);

    private TiledEngine Engine(EnginePath narrowPath) => new(Variant, path: Variant == KernelDispatch.Widest ? null : narrowPath);
}
