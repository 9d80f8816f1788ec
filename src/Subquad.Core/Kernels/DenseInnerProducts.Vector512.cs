using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

// Intrinsic -> instruction (Sapphire Rapids): Vector512.FusedMultiplyAdd -> VFMADD231PS zmm (2/cycle, ports 0 and 5,
// latency 4); Vector512.Create(float) from memory -> VBROADCASTSS (load port). 16 accumulators hide the 4-cycle FMA
// latency behind 8 independent chains per port.
public static unsafe partial class DenseInnerProducts
{
    /// <summary>8 rows x 2 zmm: 16 accumulators, 2 panel loads and 8 broadcasts (straight from the unpacked rows) per 16 FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8x32Vector512(float** rows, float* panel, int d, float* destination)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
        float* b = panel;
        for (int k = 0; k < d; k++, b += PanelRows)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(r0[k]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(r1[k]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(r2[k]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(r3[k]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(r4[k]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(r5[k]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(r6[k]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(r7[k]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }

        float* o = destination;
        c00.Store(o); c01.Store(o + 16); c10.Store(o + 32); c11.Store(o + 48);
        c20.Store(o + 64); c21.Store(o + 80); c30.Store(o + 96); c31.Store(o + 112);
        c40.Store(o + 128); c41.Store(o + 144); c50.Store(o + 160); c51.Store(o + 176);
        c60.Store(o + 192); c61.Store(o + 208); c70.Store(o + 224); c71.Store(o + 240);
    }
}
