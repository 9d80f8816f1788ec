using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

// Intrinsic -> instruction: Vector256.FusedMultiplyAdd -> VFMADD231PS ymm (FMA3). AVX2 machines have 16 ymm
// registers, so the 8 x 32 tile runs as two passes of 4 rows x 4 ymm (16 accumulators each).
public static unsafe partial class DenseInnerProducts
{
    /// <summary>Two passes of 4 rows x 4 ymm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8x32Vector256(float** rows, float* panel, int d, float* destination)
    {
        for (int half = 0; half < 2; half++)
        {
            Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
            Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
            float* r0 = rows[half * 4], r1 = rows[half * 4 + 1], r2 = rows[half * 4 + 2], r3 = rows[half * 4 + 3];
            float* b = panel;
            for (int k = 0; k < d; k++, b += PanelRows)
            {
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + 8);
                var b2 = Vector256.Load(b + 16);
                var b3 = Vector256.Load(b + 24);
                var x = Vector256.Create(r0[k]);
                c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                c02 = Vector256.FusedMultiplyAdd(x, b2, c02); c03 = Vector256.FusedMultiplyAdd(x, b3, c03);
                x = Vector256.Create(r1[k]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                c12 = Vector256.FusedMultiplyAdd(x, b2, c12); c13 = Vector256.FusedMultiplyAdd(x, b3, c13);
                x = Vector256.Create(r2[k]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                c22 = Vector256.FusedMultiplyAdd(x, b2, c22); c23 = Vector256.FusedMultiplyAdd(x, b3, c23);
                x = Vector256.Create(r3[k]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
                c32 = Vector256.FusedMultiplyAdd(x, b2, c32); c33 = Vector256.FusedMultiplyAdd(x, b3, c33);
            }

            float* o = destination + half * 4 * PanelRows;
            c00.Store(o); c01.Store(o + 8); c02.Store(o + 16); c03.Store(o + 24);
            c10.Store(o + 32); c11.Store(o + 40); c12.Store(o + 48); c13.Store(o + 56);
            c20.Store(o + 64); c21.Store(o + 72); c22.Store(o + 80); c23.Store(o + 88);
            c30.Store(o + 96); c31.Store(o + 104); c32.Store(o + 112); c33.Store(o + 120);
        }
    }
}
