using BenchmarkDotNet.Attributes;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;

namespace Subquad.Benchmarks;

/// <summary>
/// One constructed model (corrected bichromatic Max-IP_t, l = 96, so d_in = m = 100, d_out = 1), the same inputs:
/// our streaming engine (f32, f64) against ONNX Runtime running the exported graph (f32), whose MatMul-Softmax
/// materialises the (n+1)^2 score matrix. The CLI's <c>subquad transformer --bench</c> runs the same comparison
/// once per n with a fitted exponent; this class gives BenchmarkDotNet's statistics.
/// </summary>
[MemoryDiagnoser]
public class TransformerBenchmarks
{
    private ConstructedInput _input = null!;
    private Subquad.Models.Attention.Matrix _raw = null!;
    private OnnxTransformerRunner _onnx = null!;
    private readonly AttentionEngine _engine32 = new(new AttentionEngineOptions { Precision = AttentionPrecision.Float32 });

    [Params(1024, 4096)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int l = 96;
        var instance = SimilarityInstance.Bichromatic(InstanceGenerator.RandomBinary(N / 2, l, 0.3, 1), InstanceGenerator.RandomBinary(N - (N / 2), l, 0.3, 2));
        var construction = TransformerConstructions.Create(Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(20)), instance);
        _input = construction.Build(instance);
        _raw = construction.EncodeRaw(instance);
        _onnx = new OnnxTransformerRunner(construction, OnnxElementType.Float32);
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark(Baseline = true)]
    public Subquad.Models.Attention.Matrix OnnxRuntimeFloat32() => _onnx.Run(_raw).Attention;

    [Benchmark]
    public Subquad.Models.Attention.Matrix EngineFloat32() => _engine32.Forward(_input.X, _input.Weights);

    [Benchmark]
    public Subquad.Models.Attention.Matrix EngineFloat64() => AttentionEngine.Default.Forward(_input.X, _input.Weights);
}
