using System.Runtime.CompilerServices;
using System.Numerics;

namespace Subquad.Core.Kernels;

public static unsafe partial class BinaryInnerProducts
{
    /// <summary>The reference: one <c>popcnt</c> per word, no unrolling, no early outs (STYLE 3.3.1).</summary>
    internal static long InnerProductScalar(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        long count = 0;
        for (int w = 0; w < x.Length; w++) count += BitOperations.PopCount(x[w] & y[w]);
        return count;
    }

    /// <summary>The reference tile: 16 independent scalar inner products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile4x4Scalar(ulong** x, ulong** y, int words, int* destination)
    {
        for (int r = 0; r < TileRows; r++)
        {
            for (int c = 0; c < TileRows; c++)
            {
                destination[r * TileRows + c] = (int)InnerProductScalar(new ReadOnlySpan<ulong>(x[r], words), new ReadOnlySpan<ulong>(y[c], words));
            }
        }
    }

    /// <summary>The reference for <see cref="Tile4x8OneWordVector512"/>: 32 one-word popcounts.</summary>
    internal static void Tile4x8OneWordScalar(ulong** x, ulong* y, int* destination)
    {
        for (int r = 0; r < TileRows; r++)
        {
            for (int c = 0; c < 8; c++) destination[r * 8 + c] = BitOperations.PopCount(x[r][0] & y[c]);
        }
    }
}
