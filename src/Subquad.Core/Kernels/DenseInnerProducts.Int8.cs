using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

// The dense int8 screen. Intrinsic -> instruction (uops.info, Sapphire Rapids): AvxVnni.MultiplyWideningAndAdd ->
// VPDPBUSD ymm (u8 x s8, four products summed into each int32 lane; two per cycle); Vector256.Create(int) from memory
// -> VPBROADCASTD (a load-port uop). 12 accumulators hide VPDPBUSD's 5-cycle latency on both ports. Measured against
// the float32 8 x 32 FMA tile in one process (a throwaway probe, one thread, d = 256, three rounds): 258-320 against
// 90-103 G multiply-adds x 2 per second, about 3x.
public static unsafe partial class DenseInnerProducts
{
    /// <summary>Right rows per int8 tile (each broadcast 4 bytes at a time).</summary>
    internal const int Int8TileRows = 4;

    /// <summary>
    /// True when the engine screens dense pairs with int8 inner products (<see cref="Strip4x24Int8Vnni"/>) before the
    /// exact float64 re-scoring: the variant is <see cref="KernelVariant.Avx512VbmiPermute"/> (AVX-512 for the
    /// quantizer), the CPU has AVX-VNNI, and d &lt;= 65,536 (a lane sums at most 255 * 127 * d &lt; 2^31).
    /// </summary>
    public static bool UsesInt8Screen(KernelVariant variant, int d) =>
        d <= 65_536 && AvxVnni.IsSupported && KernelDispatch.Require(variant) == KernelVariant.Avx512VbmiPermute;

    /// <summary>
    /// 4 x 24 tiles of int8 inner products for <paramref name="tiles"/> consecutive right tiles: the right rows are
    /// quantized as unsigned bytes q + 128 (<see cref="Int8Rows"/>), stored one after another <paramref name="length"/>
    /// (= d4) bytes apart from <paramref name="rows"/>, 4 per tile; <paramref name="panel"/> holds 24 left rows as signed
    /// bytes in the panel layout, <paramref name="init"/> the 24 starting values -128 * sum(q_p) that cancel the +128
    /// offset. <c>destination[96 t + r * 24 + p]</c> receives q_(4t+r) . q_p exactly. One call per strip: no call,
    /// pointer set-up or constant load per tile (a tile is only 64 x 12 VPDPBUSD at d = 256).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Strip4x24Int8Vnni(byte* rows, int length, int tiles, sbyte* panel, int* init, int* destination)
    {
        int groups = length / 4;
        var i0 = Vector256.Load(init);
        var i1 = Vector256.Load(init + 8);
        var i2 = Vector256.Load(init + 16);
        for (int t = 0; t < tiles; t++)
        {
            Vector256<int> c00 = i0, c01 = i1, c02 = i2, c10 = i0, c11 = i1, c12 = i2;
            Vector256<int> c20 = i0, c21 = i1, c22 = i2, c30 = i0, c31 = i1, c32 = i2;
            int* r0 = (int*)(rows + ((long)Int8TileRows * t * length)), r1 = r0 + groups, r2 = r1 + groups, r3 = r2 + groups;
            sbyte* b = panel;
            for (int g = 0; g < groups; g++, b += Int8Rows.PanelGroupBytes)
            {
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + 32);
                var b2 = Vector256.Load(b + 64);
                var x = Vector256.Create(r0[g]).AsByte();
                c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, b0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, b1); c02 = AvxVnni.MultiplyWideningAndAdd(c02, x, b2);
                x = Vector256.Create(r1[g]).AsByte();
                c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, b0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, b1); c12 = AvxVnni.MultiplyWideningAndAdd(c12, x, b2);
                x = Vector256.Create(r2[g]).AsByte();
                c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, b0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, b1); c22 = AvxVnni.MultiplyWideningAndAdd(c22, x, b2);
                x = Vector256.Create(r3[g]).AsByte();
                c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, b0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, b1); c32 = AvxVnni.MultiplyWideningAndAdd(c32, x, b2);
            }

            int* o = destination + (Int8TileRows * Int8Rows.PanelRows * t);
            c00.Store(o); c01.Store(o + 8); c02.Store(o + 16); c10.Store(o + 24); c11.Store(o + 32); c12.Store(o + 40);
            c20.Store(o + 48); c21.Store(o + 56); c22.Store(o + 64); c30.Store(o + 72); c31.Store(o + 80); c32.Store(o + 88);
        }
    }

    /// <summary>The scalar reference of <see cref="Strip4x24Int8Vnni"/> on the same layouts.</summary>
    internal static void Strip4x24Int8Scalar(byte* rows, int length, int tiles, sbyte* panel, int* init, int* destination)
    {
        for (int q = 0; q < Int8TileRows * tiles; q++)
        {
            for (int p = 0; p < Int8Rows.PanelRows; p++)
            {
                int sum = init[p];
                for (int k = 0; k < length; k++) sum += rows[((long)q * length) + k] * panel[((k / 4) * Int8Rows.PanelGroupBytes) + (4 * p) + (k % 4)];
                destination[(q * Int8Rows.PanelRows) + p] = sum;
            }
        }
    }
}
