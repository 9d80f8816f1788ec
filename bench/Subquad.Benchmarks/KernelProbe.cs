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
            if (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) Console.WriteLine($"int8 VPDPBUSD peak 1 thread: {FmaPeak.MeasureInt8Gops(1, TimeSpan.FromMilliseconds(300)):F1} GOP/s");
            foreach (var variant in KernelDispatch.Supported) Console.WriteLine($"  dense {variant}: {Dense(variant, 256):F1} GFLOP/s");
            foreach (var variant in KernelDispatch.Supported) Console.WriteLine($"  binary {variant} l=1024: {Binary(variant, 16) / 1e6:F1} Mpairs/s, l=512: {Binary(variant, 8) / 1e6:F1} Mpairs/s");
        }
    }

    /// <summary>
    /// The strip kernels (4 left rows against 16 right tiles) per row encoding at a few lengths, alternated in one
    /// process so load hits all alike: raw rows with the nibble table against rows 6 bits per byte in Packed6Tiles (VPERMB). <c>-- probe-packed</c>.
    /// </summary>
    public static void RunPacked()
    {
        for (int round = 0; round < 3; round++)
        {
            foreach (int l in new[] { 96, 128, 192, 256, 320, 500, 700, 1024, 2048 })
            {
                double raw = Strip(l, tiles: false);
                double tiles = Strip(l, tiles: true);
                Console.WriteLine($"l={l}: nibble {raw / 1e6:F0}, packed6 tiles {tiles / 1e6:F0} Mpairs/s (1 thread), {tiles / raw:F2}x");
            }
        }
    }

    /// <summary>
    /// Pairs per second of a strip kernel (4 left rows against 16 right tiles), one thread: the nibble strip on raw
    /// rows, or the 6-bit tiles kernel (<paramref name="tiles"/>) on the Packed6Tiles layout of the same words.
    /// </summary>
    private static double Strip(int l, bool tiles)
    {
        const int Right = 64;
        int words = tiles ? Packed6Rows.WordsFor(l) : (l + 511) / 512 * 8;
        int chunks = Packed6Tiles.ChunksFor(l);
        var kernel = BinaryInnerProducts.StripKernel(KernelVariant.Vector512, l);
        // Random words with bits 6-7 of every byte clear: valid 6-bit rows and raw rows alike. The right tiles
        // (16 * chunks zmm) fit the space of the 64 right rows (words >= 2 chunks).
        var data = new ulong[(4 + Right) * words + 8];
        var random = new Random(3);
        for (int k = 0; k < data.Length; k++) data[k] = (ulong)random.NextInt64() & 0x3F3F3F3F3F3F3F3FUL;
        var counts = new int[Right * 4];
        fixed (ulong* d0 = data)
        fixed (int* c = counts)
        {
            ulong* d = (ulong*)(((nint)d0 + 63) & ~(nint)63);
            ulong** xs = stackalloc ulong*[4];
            nint* ys = stackalloc nint[Right];
            for (int i = 0; i < 4; i++) xs[i] = d + i * words;
            for (int i = 0; i < Right; i++) ys[i] = (nint)(d + (4 + i) * words);
            var watch = Stopwatch.StartNew();
            long calls = 0;
            while (watch.ElapsedMilliseconds < 300)
            {
                for (int i = 0; i < 20; i++)
                {
                    if (tiles) BinaryInnerProducts.TileStripPacked6TilesVector512(xs, d + 4 * words, chunks, Right / 4, c);
                    else kernel(xs, ys, words, Right / 4, c);
                }

                calls += 20;
            }

            return calls * 4.0 * Right / watch.Elapsed.TotalSeconds;
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
