namespace Subquad.Core.Kernels;

/// <summary>
/// The dense float32 micro-kernel: an 8 x 32 tile of inner products between 8 rows read in place and a packed panel
/// of 32 rows, accumulated in registers with fused multiply-adds.
/// </summary>
/// <remarks>
/// <para>Legend: <c>d</c> the dimensions; <c>rows[r][k]</c> is coordinate k of row r (8 row pointers: each k
/// broadcasts one float per row, so these rows need no packing); <c>panel[k * 32 + c]</c> is coordinate k of panel
/// row c (32 rows interleaved: two 512-bit loads per k; packed once per row band and reused by the band's tasks);
/// <c>destination[r * 32 + c]</c> receives the float32 inner product. Missing rows are zeros (a zero row, a
/// zero-packed panel column), so the kernel has no edge cases.</para>
/// <para>Equality contract: <b>Exact across variants</b>. Every output is the same sequential chain
/// acc = fma(rows[r][k], panel[k, c], acc) for k = 0 .. d-1 with one rounding per step
/// (<c>MathF.FusedMultiplyAdd</c> in the reference, <c>VectorNNN.FusedMultiplyAdd</c> in the others), so all
/// variants agree bit for bit with <see cref="Tile8x32Scalar"/>. Its error against the exact real inner product is
/// at most gamma_d * sum |x_k y_k| (gamma_d = d u / (1 - d u), u = 2^-24), the bound the engine's candidate filter
/// relies on.</para>
/// </remarks>
public static unsafe partial class DenseInnerProducts
{
    /// <summary>Rows per tile read in place (a strip).</summary>
    public const int StripRows = 8;

    /// <summary>Rows per tile packed into a panel.</summary>
    public const int PanelRows = 32;

    /// <summary>The tile kernel of a variant, chosen once per solve.</summary>
    internal static delegate*<float**, float*, int, float*, void> TileKernel(KernelVariant variant) => KernelDispatch.Require(variant) switch
    {
        KernelVariant.Vector512 or KernelVariant.Avx512VbmiPermute => &Tile8x32Vector512,
        KernelVariant.Vector256 => &Tile8x32Vector256,
        KernelVariant.Vector128 => &Tile8x32Vector128,
        _ => &Tile8x32Scalar,
    };

    /// <summary>Runs one tile with a chosen variant (tests and benchmarks).</summary>
    internal static void Tile8x32(KernelVariant variant, float** rows, float* panel, int d, float* destination) =>
        TileKernel(variant)(rows, panel, d, destination);

    /// <summary>
    /// Packs rows into the panel layout <c>destination[k * 32 + c] = rows[c][k]</c>; columns past
    /// <c>rows.Length</c> are zeros. Written k by k so the stores are sequential.
    /// </summary>
    internal static void PackPanel(float* values, int stride, int d, ReadOnlySpan<int> rows, float* destination)
    {
        new Span<float>(destination, d * PanelRows).Clear();
        int count = rows.Length;
        float** sources = stackalloc float*[PanelRows];
        for (int c = 0; c < count; c++) sources[c] = values + (long)rows[c] * stride;
        for (int k = 0; k < d; k++)
        {
            float* line = destination + (long)k * PanelRows;
            for (int c = 0; c < count; c++) line[c] = sources[c][k];
        }
    }
}
