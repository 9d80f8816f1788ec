using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

// Intrinsic -> instruction: Vector128.FusedMultiplyAdd -> VFMADD231PS xmm (FMA3). Four passes of 2 rows x 8 xmm
// (16 accumulators) cover the 8 x 32 tile within 16 registers.
public static unsafe partial class DenseInnerProducts
{
    /// <summary>Four passes of 2 rows x 8 xmm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8x32Vector128(float** rows, float* panel, int d, float* destination)
    {
        for (int quarter = 0; quarter < 4; quarter++)
        {
            Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
            Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
            float* r0 = rows[quarter * 2], r1 = rows[quarter * 2 + 1];
            float* b = panel;
            for (int k = 0; k < d; k++, b += PanelRows)
            {
                var x = Vector128.Create(r0[k]);
                var y = Vector128.Create(r1[k]);
                var b0 = Vector128.Load(b);
                c00 = Vector128.FusedMultiplyAdd(x, b0, c00); c10 = Vector128.FusedMultiplyAdd(y, b0, c10);
                var b1 = Vector128.Load(b + 4);
                c01 = Vector128.FusedMultiplyAdd(x, b1, c01); c11 = Vector128.FusedMultiplyAdd(y, b1, c11);
                var b2 = Vector128.Load(b + 8);
                c02 = Vector128.FusedMultiplyAdd(x, b2, c02); c12 = Vector128.FusedMultiplyAdd(y, b2, c12);
                var b3 = Vector128.Load(b + 12);
                c03 = Vector128.FusedMultiplyAdd(x, b3, c03); c13 = Vector128.FusedMultiplyAdd(y, b3, c13);
                var b4 = Vector128.Load(b + 16);
                c04 = Vector128.FusedMultiplyAdd(x, b4, c04); c14 = Vector128.FusedMultiplyAdd(y, b4, c14);
                var b5 = Vector128.Load(b + 20);
                c05 = Vector128.FusedMultiplyAdd(x, b5, c05); c15 = Vector128.FusedMultiplyAdd(y, b5, c15);
                var b6 = Vector128.Load(b + 24);
                c06 = Vector128.FusedMultiplyAdd(x, b6, c06); c16 = Vector128.FusedMultiplyAdd(y, b6, c16);
                var b7 = Vector128.Load(b + 28);
                c07 = Vector128.FusedMultiplyAdd(x, b7, c07); c17 = Vector128.FusedMultiplyAdd(y, b7, c17);
            }

            float* o = destination + quarter * 2 * PanelRows;
            c00.Store(o); c01.Store(o + 4); c02.Store(o + 8); c03.Store(o + 12);
            c04.Store(o + 16); c05.Store(o + 20); c06.Store(o + 24); c07.Store(o + 28);
            c10.Store(o + 32); c11.Store(o + 36); c12.Store(o + 40); c13.Store(o + 44);
            c14.Store(o + 48); c15.Store(o + 52); c16.Store(o + 56); c17.Store(o + 60);
        }
    }
}
