using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// Dense rows quantized to 8 bits for the engine's int8 screen (<see cref="DenseInnerProducts.Strip4x24Int8Vnni"/>):
/// q = round(x / s) in [-127, 127] with s = max |x_k| / 127, together with a rigorous bound E &gt;= ||x - s q|| that
/// makes the screen exact (<see cref="Engine.DenseErrorBound.Int8Cosine"/>).
/// </summary>
/// <remarks>
/// Layouts: a right row is d4 = 4 ceil(d / 4) bytes of q + 128 (VPDPBUSD's unsigned operand; the padding is 128,
/// i.e. q = 0); a panel (<see cref="PanelRows"/> left rows) is stored k-group by k-group, group g of row p at byte
/// <c>96 g + 4 p</c>, so that one 256-bit load holds group g of 8 rows. Both are built per block as the engine runs (no
/// copy of the input is kept). <see cref="QuantizeScalar"/> is the reference of <see cref="QuantizeVector512"/>.
/// </remarks>
internal static unsafe class Int8Rows
{
    /// <summary>Left rows per panel: three 256-bit vectors of 8 rows.</summary>
    public const int PanelRows = 24;

    /// <summary>Bytes of one k-group (4 coordinates) of all rows of a panel.</summary>
    public const int PanelGroupBytes = PanelRows * 4;

    /// <summary>Rows whose largest |x_k| lies outside [2^-50, 2^50] are not quantized (their task runs in float32).</summary>
    private static readonly float Smallest = MathF.ScaleB(1f, -50);

    private static readonly float Largest = MathF.ScaleB(1f, 50);

    private const double U = 1.0 / (1 << 24);

    /// <summary>Coordinates rounded up to a multiple of 4 (one VPDPBUSD group).</summary>
    public static int PaddedLength(int d) => (d + 3) / 4 * 4;

    /// <summary>The outcome of quantizing one row.</summary>
    /// <param name="Scale">s: x is approximated by s q.</param>
    /// <param name="ErrorNorm">An upper bound on ||x - s q|| (float64, rounding of its own computation included).</param>
    /// <param name="Sum">sum of q (for VPDPBUSD's +128 offset).</param>
    /// <param name="Ok">False when the row is outside the quantizable range (NaN, infinite, or |x| beyond 2^+-50).</param>
    public readonly record struct Result(float Scale, double ErrorNorm, int Sum, bool Ok);

    /// <summary>
    /// Quantizes d floats at <paramref name="x"/> into d4 bytes at <paramref name="destination"/>: q XOR
    /// <paramref name="flip"/> (0 for signed bytes; 0x80 stores q + 128 as an unsigned byte). AVX-512F.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Result QuantizeVector512(float* x, int d, byte* destination, byte flip)
    {
        int full = d / 16 * 16;
        // Native VMAXPS and a shuffle reduction: per-row overhead matters at d = 256 (16 vectors a row). A NaN may be
        // lost here; it then turns the residual sum into NaN below, and the row is reported not quantizable.
        var max = Vector512<float>.Zero;
        for (int k = 0; k < full; k += 16) max = Vector512.MaxNative(max, Vector512.Abs(Vector512.Load(x + k)));
        var half = Vector256.MaxNative(max.GetLower(), max.GetUpper());
        var quarter = Vector128.MaxNative(half.GetLower(), half.GetUpper());
        quarter = Vector128.MaxNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        quarter = Vector128.MaxNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(1, 0, 3, 2)));
        float largest = quarter.ToScalar();
        for (int k = full; k < d; k++) largest = MathF.Max(largest, MathF.Abs(x[k]));
        if (!Quantizable(largest, out float scale, out float inverse)) return Zero(d, destination, flip, largest);

        var inv = Vector512.Create(inverse);
        var negScale = Vector512.Create(-scale);
        var flips = Vector128.Create(flip);
        // Two residual accumulators: one FMA chain (4 cycles a step) was the loop's critical path.
        Vector512<float> squares = Vector512<float>.Zero, squares2 = Vector512<float>.Zero;
        var sums = Vector512<int>.Zero;
        int at = 0;
        for (; at + 32 <= full; at += 32)
        {
            squares = FusedBlock(x + at, destination + at, inv, negScale, flips, squares, ref sums);
            squares2 = FusedBlock(x + at + 16, destination + at + 16, inv, negScale, flips, squares2, ref sums);
        }

        if (at < full) squares = FusedBlock(x + at, destination + at, inv, negScale, flips, squares, ref sums);
        squares += squares2;
        double errorSquares = Vector512.Sum(squares);
        int sum = Vector512.Sum(sums);
        for (int k = full; k < d; k++) Tail(x[k], scale, inverse, destination + k, flip, ref errorSquares, ref sum);
        for (int k = d; k < PaddedLength(d); k++) destination[k] = flip;
        return double.IsFinite(errorSquares) ? new Result(scale, ErrorBound(errorSquares, d), sum, true) : new Result(1f, 0.0, 0, false);
    }

    /// <summary>
    /// 16 coordinates: q = clamp(round(x * (1/s)), -127, 127) stored as q XOR flip, the residual e = x - s q (one FMA,
    /// rounded once) squared into <paramref name="squares"/>, q summed into <paramref name="sums"/>. The row is finite
    /// here (checked through its largest |x_k|), so the native VMINPS / VMAXPS and the truncating VCVTTPS2DQ of an
    /// integral value are exact; the IEEE-semantics Min / Max / ConvertToInt32 add range and NaN fix-ups (VRANGEPS,
    /// VFIXUPIMMPS, a blend). With those fix-ups, one accumulator and a lane-by-lane maximum this quantizer took 0.70
    /// ns per element, 28% of a whole int8 solve at d = 256; now 0.3-0.4 (`-- probe-quant`).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FusedBlock(float* x, byte* destination, Vector512<float> inv, Vector512<float> negScale, Vector128<byte> flips, Vector512<float> squares, ref Vector512<int> sums)
    {
        var limit = Vector512.Create(127f);
        var v = Vector512.Load(x);
        var q = Vector512.MinNative(Vector512.MaxNative(Vector512.Round(v * inv), -limit), limit);
        var e = Vector512.FusedMultiplyAdd(negScale, q, v);
        var qi = Vector512.ConvertToInt32Native(q);
        sums += qi;
        (Avx512F.ConvertToVector128SByte(qi).AsByte() ^ flips).Store(destination);
        return Vector512.FusedMultiplyAdd(e, e, squares);
    }

    /// <summary>The scalar reference of <see cref="QuantizeVector512"/>: the same q, s and sum; E from another summation order.</summary>
    public static Result QuantizeScalar(float* x, int d, byte* destination, byte flip)
    {
        float largest = 0f;
        for (int k = 0; k < d; k++) largest = MathF.Max(largest, MathF.Abs(x[k]));
        if (!Quantizable(largest, out float scale, out float inverse)) return Zero(d, destination, flip, largest);
        double errorSquares = 0;
        int sum = 0;
        for (int k = 0; k < d; k++) Tail(x[k], scale, inverse, destination + k, flip, ref errorSquares, ref sum);
        for (int k = d; k < PaddedLength(d); k++) destination[k] = flip;
        return new Result(scale, ErrorBound(errorSquares, d), sum, true);
    }

    /// <summary>
    /// Copies a quantized row (d4 signed bytes) into row <paramref name="slot"/> of a panel: group g (4 bytes) to
    /// <c>panel + 96 g + 4 slot</c>; a null <paramref name="row"/> writes zeros.
    /// </summary>
    public static void StoreInPanel(byte* row, int groups, sbyte* panel, int slot)
    {
        int* destination = (int*)(panel + (4 * slot));
        for (int g = 0; g < groups; g++) destination[g * PanelRows] = row == null ? 0 : ((int*)row)[g];
    }

    // The same arithmetic as one lane of the vector loop (float32 product, round half to even, clamp, FMA residual).
    private static void Tail(float v, float scale, float inverse, byte* destination, byte flip, ref double errorSquares, ref int sum)
    {
        float q = Math.Clamp(MathF.Round(v * inverse), -127f, 127f);
        float e = MathF.FusedMultiplyAdd(-scale, q, v);
        errorSquares += (double)e * e;
        sum += (int)q;
        *destination = (byte)((sbyte)q ^ (sbyte)flip);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Quantizable(float largest, out float scale, out float inverse)
    {
        // An all-zero row is exact with any scale; a row outside the range (or NaN / infinite) is not quantized.
        scale = largest == 0f ? 1f : largest / 127f;
        inverse = largest == 0f ? 0f : 127f / largest;
        return largest == 0f || (largest >= Smallest && largest <= Largest);
    }

    private static Result Zero(int d, byte* destination, byte flip, float largest)
    {
        for (int k = 0; k < PaddedLength(d); k++) destination[k] = flip;
        bool ok = largest == 0f;
        return new Result(1f, 0.0, 0, ok);
    }

    /// <summary>
    /// E from the computed sum of squared residuals: each residual is the FMA's exact x - s q rounded once (relative
    /// u, or 2^-149 absolute below the normal range), each square and each of the d additions rounds once more, in
    /// any order: the exact sum is at most (computed + d 2^-148) (1 + 2 gamma_(d+4)). The square root and the final
    /// products round in float64 (far below the 1e-12 added).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ErrorBound(double computedSquares, int d)
    {
        double gamma = (d + 4) * U / (1 - ((d + 4) * U));
        double bound = (computedSquares + (d * Math.ScaleB(1.0, -148))) * (1 + (2 * gamma));
        return Math.Sqrt(bound) * (1 + 1e-12);
    }
}
