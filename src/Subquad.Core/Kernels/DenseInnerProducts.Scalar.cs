using System.Runtime.CompilerServices;
namespace Subquad.Core.Kernels;

public static unsafe partial class DenseInnerProducts
{
    /// <summary>The reference tile: 256 sequential FMA chains, one rounding per step (STYLE 3.4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8x32Scalar(float** rows, float* panel, int d, float* destination)
    {
        for (int r = 0; r < StripRows; r++)
        {
            for (int c = 0; c < PanelRows; c++)
            {
                float accumulator = 0f;
                for (int k = 0; k < d; k++)
                {
                    accumulator = MathF.FusedMultiplyAdd(rows[r][k], panel[k * PanelRows + c], accumulator);
                }

                destination[r * PanelRows + c] = accumulator;
            }
        }
    }
}
