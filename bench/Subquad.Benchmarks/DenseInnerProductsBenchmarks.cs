using BenchmarkDotNet.Attributes;
using Subquad.Core.Kernels;

namespace Subquad.Benchmarks;

/// <summary>The 8 x 32 FMA tile per variant (Scalar is the baseline): 256 pairs of d = 256 floats per call.</summary>
public unsafe class DenseInnerProductsBenchmarks
{
    private float[] _rows = [];
    private float[] _panel = [];
    private float[] _tile = new float[256];

    [Params(256)]
    public int Dimensions { get; set; }

    [ParamsSource(nameof(Variants))]
    public KernelVariant Variant { get; set; }

    public static IEnumerable<KernelVariant> Variants() => KernelDispatch.Supported;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _rows = Enumerable.Range(0, 8 * Dimensions).Select(_ => (float)random.NextDouble()).ToArray();
        _panel = Enumerable.Range(0, 32 * Dimensions).Select(_ => (float)random.NextDouble()).ToArray();
    }

    /// <summary>One tile: 256 pairs.</summary>
    [Benchmark(OperationsPerInvoke = 256)]
    public float Tile8x32()
    {
        fixed (float* r = _rows, p = _panel, t = _tile)
        {
            float** rows = stackalloc float*[8];
            for (int i = 0; i < 8; i++) rows[i] = r + i * Dimensions;
            DenseInnerProducts.Tile8x32(Variant, rows, p, Dimensions, t);
            return t[17];
        }
    }
}
