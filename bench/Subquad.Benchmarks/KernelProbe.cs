using System.Diagnostics;
using Subquad.Core.Kernels;

namespace Subquad.Benchmarks;

/// <summary>
/// A quick single-thread probe (not BenchmarkDotNet): kernel throughput next to the FMA peak measured in the same
/// second, so a busy machine affects both alike. <c>dotnet run -c Release --project bench/Subquad.Benchmarks -- probe</c>.
/// </summary>
internal static unsafe class KernelProbe
{
    public static void Run()
    {
        for (int round = 0; round < 3; round++)
        {
            double peak = FmaPeak.MeasureGflops(1, TimeSpan.FromMilliseconds(300));
            Console.WriteLine($"FMA peak 1 thread: {peak:F1} GFLOP/s");
            foreach (var variant in KernelDispatch.Supported) Console.WriteLine($"  dense {variant}: {Dense(variant, 256):F1} GFLOP/s");
            foreach (var variant in KernelDispatch.Supported) Console.WriteLine($"  binary {variant} l=1024: {Binary(variant, 16) / 1e6:F1} Mpairs/s, l=512: {Binary(variant, 8) / 1e6:F1} Mpairs/s");
        }
    }

    private static double Dense(KernelVariant variant, int d)
    {
        var rowsData = new float[8 * d];
        var panel = new float[32 * d];
        var tile = new float[256];
        new Random(1).NextBytes(new byte[1]);
        for (int k = 0; k < rowsData.Length; k++) rowsData[k] = k % 7 * 0.1f;
        for (int k = 0; k < panel.Length; k++) panel[k] = k % 5 * 0.1f;
        fixed (float* r = rowsData, p = panel, t = tile)
        {
            float** rows = stackalloc float*[8];
            for (int i = 0; i < 8; i++) rows[i] = r + i * d;
            var watch = Stopwatch.StartNew();
            long calls = 0;
            while (watch.ElapsedMilliseconds < 300)
            {
                for (int i = 0; i < 100; i++) DenseInnerProducts.Tile8x32(variant, rows, p, d, t);
                calls += 100;
            }

            return calls * 256.0 * d * 2 / watch.Elapsed.TotalSeconds / 1e9;
        }
    }

    private static double Binary(KernelVariant variant, int words)
    {
        var data = new ulong[8 * words];
        var random = new Random(2);
        for (int k = 0; k < data.Length; k++) data[k] = (ulong)random.NextInt64() & (ulong)random.NextInt64() & (ulong)random.NextInt64();
        var counts = new int[16];
        fixed (ulong* d = data)
        fixed (int* c = counts)
        {
            ulong** xs = stackalloc ulong*[4];
            ulong** ys = stackalloc ulong*[4];
            for (int i = 0; i < 4; i++)
            {
                xs[i] = d + i * words;
                ys[i] = d + (4 + i) * words;
            }

            var watch = Stopwatch.StartNew();
            long calls = 0;
            while (watch.ElapsedMilliseconds < 300)
            {
                for (int i = 0; i < 100; i++) BinaryInnerProducts.Tile4x4(variant, xs, ys, words, c);
                calls += 100;
            }

            return calls * 16.0 / watch.Elapsed.TotalSeconds;
        }
    }
}
