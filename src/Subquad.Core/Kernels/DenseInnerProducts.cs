namespace Subquad.Core.Kernels;

/// <summary>
/// The dense float32 micro-kernel: an 8 x 32 tile of inner products between a packed strip of 8 left rows and a
/// packed panel of 32 right rows, accumulated in registers with fused multiply-adds.
/// </summary>
/// <remarks>
/// <para>Legend: <c>d</c> the dimensions; <c>strip[k * 8 + r]</c> is coordinate k of left row r (8 rows interleaved,
/// so one broadcast per row and k reads consecutive memory); <c>panel[k * 32 + c]</c> is coordinate k of right row c
/// (32 rows interleaved: two 512-bit loads per k); <c>destination[r * 32 + c]</c> receives the float32 inner product.
/// Missing rows are packed as zeros by the caller, so the kernel has no edge cases.</para>
/// <para>Equality contract: <b>Exact across variants</b>. Every output is the same sequential chain
/// acc = fma(strip[k, r], panel[k, c], acc) for k = 0 .. d-1 with one rounding per step
/// (<c>MathF.FusedMultiplyAdd</c> in the reference, <c>VectorNNN.FusedMultiplyAdd</c> in the others), so all
/// variants agree bit for bit with <see cref="Tile8x32Scalar"/>. Its error against the exact real inner product is
/// at most gamma_d * sum |x_k y_k| (gamma_d = d u / (1 - d u), u = 2^-24), the bound the engine's candidate filter
/// relies on.</para>
/// </remarks>
public static unsafe partial class DenseInnerProducts
{
    /// <summary>Left rows per tile (packed strip).</summary>
    public const int StripRows = 8;

    /// <summary>Right rows per tile (packed panel).</summary>
    public const int PanelRows = 32;

    /// <summary>The tile kernel of a variant, chosen once per solve.</summary>
    internal static delegate*<float*, float*, int, float*, void> TileKernel(KernelVariant variant) => KernelDispatch.Require(variant) switch
    {
        KernelVariant.Vector512 => &Tile8x32Vector512,
        KernelVariant.Vector256 => &Tile8x32Vector256,
        KernelVariant.Vector128 => &Tile8x32Vector128,
        _ => &Tile8x32Scalar,
    };

    /// <summary>Runs one tile with a chosen variant (tests and benchmarks).</summary>
    internal static void Tile8x32(KernelVariant variant, float* strip, float* panel, int d, float* destination) =>
        TileKernel(variant)(strip, panel, d, destination);

    /// <summary>
    /// Packs rows into the interleaved layout: <c>destination[k * width + r] = row(rows[r])[k]</c>, divided by
    /// <c>divisors[r]</c> in float64 and rounded once to float32 when divisors are given (cosine: unit rows, relative
    /// error at most 2^-24 per entry); slots past <c>rows.Length</c> are zeros. <paramref name="width"/> is 8 for
    /// strips and 32 for panels.
    /// </summary>
    internal static void Pack(float* values, int stride, int d, ReadOnlySpan<int> rows, ReadOnlySpan<double> divisors, int width, float* destination)
    {
        new Span<float>(destination, d * width).Clear();
        for (int r = 0; r < rows.Length; r++)
        {
            float* source = values + (long)rows[r] * stride;
            if (divisors.IsEmpty)
            {
                for (int k = 0; k < d; k++) destination[k * width + r] = source[k];
            }
            else
            {
                double divisor = divisors[r];
                for (int k = 0; k < d; k++) destination[k * width + r] = (float)(source[k] / divisor);
            }
        }
    }
}
