using System.Numerics;

namespace Subquad.Models.Attention;

/// <summary>
/// Scalar references of the tiled kernels (the test oracles of the Vector512 file) and the key panel layout both
/// share: key j, coordinate c lives at panels[((j / P) m + c) P + j % P].
/// </summary>
internal static partial class AttentionTiles
{
    /// <summary>Index of key j, coordinate c in the panel layout of width p.</summary>
    public static long PanelIndex(int j, int c, int m, int p) => ((((long)(j / p) * m) + c) * p) + (j % p);

    /// <summary>The reference of <see cref="ScorePanelsVector512{T}"/>: plain dot products in index order.</summary>
    public static void ScorePanelsScalar<T>(ReadOnlySpan<T> q, int qStride, int rowBlocks, ReadOnlySpan<T> panels, int panelCount, int m, int p, Span<T> scores, int scoreStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rowBlocks * RowBlock; r++)
        {
            for (int j = 0; j < panelCount * p; j++)
            {
                T sum = T.Zero;
                for (int c = 0; c < m; c++) sum += q[(r * qStride) + c] * panels[(int)PanelIndex(j, c, m, p)];
                scores[(r * scoreStride) + j] = sum;
            }
        }
    }

    /// <summary>The reference of <see cref="ProjectRowVector512{T}"/>: destination = x w in index order.</summary>
    public static void ProjectRowScalar<T>(ReadOnlySpan<double> x, ReadOnlySpan<T> w, int width, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int col = 0; col < width; col++)
        {
            T sum = T.Zero;
            for (int k = 0; k < x.Length; k++) sum += T.CreateTruncating(x[k]) * w[(k * width) + col];
            destination[col] = sum;
        }
    }
}
