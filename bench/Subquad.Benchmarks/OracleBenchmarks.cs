using BenchmarkDotNet.Attributes;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Benchmarks;

/// <summary>The oracle's speed: the baseline every faster solver is reported against.</summary>
[MemoryDiagnoser]
public class OracleBenchmarks
{
    private SimilarityInstance _instance = null!;

    [Params(512)]
    public int N { get; set; }

    [Params(256)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup() => _instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(N, Bits, 0.1, 1));

    [Benchmark(Baseline = true)]
    public Answer OracleMsd() => BruteForce.Instance.Solve(_instance, Problem.Exact(ProblemKind.Msd));
}
