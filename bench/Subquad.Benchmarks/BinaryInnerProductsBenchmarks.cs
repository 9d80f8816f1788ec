using BenchmarkDotNet.Attributes;
using Subquad.Core.Kernels;

namespace Subquad.Benchmarks;

/// <summary>The 4 x 4 AND-popcount tile per variant (Scalar is the baseline); Words = 8 is l &lt;= 512, 16 is l = 1024.</summary>
public unsafe class BinaryInnerProductsBenchmarks
{
    private ulong[] _data = [];
    private int[] _counts = new int[16];

    [Params(8, 16, 64)]
    public int Words { get; set; }

    [ParamsSource(nameof(Variants))]
    public KernelVariant Variant { get; set; }

    public static IEnumerable<KernelVariant> Variants() => KernelDispatch.Supported;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _data = new ulong[8 * Words];
        for (int k = 0; k < _data.Length; k++) _data[k] = (ulong)random.NextInt64() & (ulong)random.NextInt64();
    }

    /// <summary>One tile: 16 pairs.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int Tile4x4()
    {
        fixed (ulong* d = _data)
        fixed (int* c = _counts)
        {
            ulong** xs = stackalloc ulong*[4];
            ulong** ys = stackalloc ulong*[4];
            for (int i = 0; i < 4; i++)
            {
                xs[i] = d + i * Words;
                ys[i] = d + (4 + i) * Words;
            }

            BinaryInnerProducts.Tile4x4(Variant, xs, ys, Words, c);
            return c[5];
        }
    }
}
