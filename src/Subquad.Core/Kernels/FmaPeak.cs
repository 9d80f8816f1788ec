using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// Measures this machine's float32 FMA peak in-process: every core runs 16 independent FMA chains on the widest
/// vectors for a fixed time, with nothing loaded from memory. The dense engine's GFLOP/s are reported as a fraction
/// of this number (a measured peak, not a datasheet one).
/// </summary>
internal static class FmaPeak
{
    /// <summary>GFLOP/s (2 flops per lane per FMA) over <paramref name="threads"/> threads for about <paramref name="duration"/>.</summary>
    public static double MeasureGflops(int threads, TimeSpan duration) => Measure(threads, duration, Burst);

    /// <summary>Runs <paramref name="burst"/> on every thread for about <paramref name="duration"/>: G operations per second.</summary>
    private static double Measure(int threads, TimeSpan duration, Func<long> burst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        long total = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            long operations = 0;
            var local = Stopwatch.StartNew();
            while (local.Elapsed < duration) operations += burst();
            Interlocked.Add(ref total, operations);
        })).ToList();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return total / watch.Elapsed.TotalSeconds / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Burst()
    {
        const int Steps = 100_000;
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(0.9999999f);
            var a = Vector512.Create(1e-7f);
            Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            Vector512<float> c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
            for (int s = 0; s < Steps; s++)
            {
                c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
                c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
                c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
                c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
                c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
                c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
                c12 = Vector512.FusedMultiplyAdd(c12, m, a); c13 = Vector512.FusedMultiplyAdd(c13, m, a);
                c14 = Vector512.FusedMultiplyAdd(c14, m, a); c15 = Vector512.FusedMultiplyAdd(c15, m, a);
            }

            Sink = (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15).ToScalar();
            return (long)Steps * 16 * 16 * 2;
        }
        else
        {
            var m = Vector256.Create(0.9999999f);
            var a = Vector256.Create(1e-7f);
            Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            Vector256<float> c8 = c0, c9 = c0, c10 = c0, c11 = c0;
            for (int s = 0; s < Steps; s++)
            {
                c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
                c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
                c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
                c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
                c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
                c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
            }

            Sink = (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
            return (long)Steps * 12 * 8 * 2;
        }
    }

    /// <summary>
    /// This machine's int8 multiply-add peak in-process, in G operations per second (2 per multiply-add, as GFLOP/s
    /// count an FMA): every core runs 12 independent VPDPBUSD chains (AVX-VNNI, 32 multiply-adds each) for a fixed
    /// time. The dense engine's int8 screen (<see cref="DenseInnerProducts.UsesInt8Screen"/>) is reported against it.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The CPU lacks AVX-VNNI.</exception>
    public static double MeasureInt8Gops(int threads, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!AvxVnni.IsSupported) throw new PlatformNotSupportedException("the int8 peak needs AVX-VNNI");
        return Measure(threads, duration, Int8Burst);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Int8Burst()
    {
        const int Steps = 100_000;
        var x = Vector256.Create((byte)1);
        var y = Vector256.Create((sbyte)1);
        Vector256<int> c0 = Vector256<int>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int s = 0; s < Steps; s++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, x, y); c1 = AvxVnni.MultiplyWideningAndAdd(c1, x, y);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, x, y); c3 = AvxVnni.MultiplyWideningAndAdd(c3, x, y);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, x, y); c5 = AvxVnni.MultiplyWideningAndAdd(c5, x, y);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, x, y); c7 = AvxVnni.MultiplyWideningAndAdd(c7, x, y);
            c8 = AvxVnni.MultiplyWideningAndAdd(c8, x, y); c9 = AvxVnni.MultiplyWideningAndAdd(c9, x, y);
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, y); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, y);
        }

        Int8Sink = (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).ToScalar();
        return (long)Steps * 12 * 32 * 2;
    }

    /// <summary>Keeps the int8 loop's result alive so the JIT cannot drop it.</summary>
    public static int Int8Sink { get; private set; }

    /// <summary>Keeps the loop's result alive so the JIT cannot drop it.</summary>
    public static float Sink { get; private set; }
}
