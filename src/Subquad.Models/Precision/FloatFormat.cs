namespace Subquad.Models.Precision;

/// <summary>A floating-point format the precision study emulates (the paper has no bit model, paper.md 7 item 6).</summary>
public enum FloatFormat
{
    /// <summary>IEEE binary64: 53-bit significand.</summary>
    Float64,

    /// <summary>IEEE binary32: 24-bit significand.</summary>
    Float32,

    /// <summary>IEEE binary16: 11-bit significand, largest finite 65504.</summary>
    Float16,

    /// <summary>bfloat16: 8-bit significand, float32's exponent range.</summary>
    BFloat16,
}

/// <summary>Rounding to each <see cref="FloatFormat"/>: round-to-nearest-even from a float64 value.</summary>
public static class FloatFormats
{
    /// <summary>Significand bits including the implicit one.</summary>
    public static int SignificandBits(this FloatFormat format) => format switch
    {
        FloatFormat.Float64 => 53,
        FloatFormat.Float32 => 24,
        FloatFormat.Float16 => 11,
        _ => 8,
    };

    /// <summary>Name on the command line: f64, f32, f16, bf16.</summary>
    public static string CliName(this FloatFormat format) => format switch
    {
        FloatFormat.Float64 => "f64",
        FloatFormat.Float32 => "f32",
        FloatFormat.Float16 => "f16",
        _ => "bf16",
    };

    /// <summary>Parses f64, f32, f16, bf16.</summary>
    public static bool TryParse(string text, out FloatFormat format)
    {
        switch (text.ToLowerInvariant())
        {
            case "f64": format = FloatFormat.Float64; return true;
            case "f32": format = FloatFormat.Float32; return true;
            case "f16": format = FloatFormat.Float16; return true;
            case "bf16": format = FloatFormat.BFloat16; return true;
            default: format = default; return false;
        }
    }

    /// <summary>x rounded to the format (round to nearest, ties to even; overflow to infinity; subnormals kept).</summary>
    public static double Round(this FloatFormat format, double x) => format switch
    {
        FloatFormat.Float64 => x,
        FloatFormat.Float32 => (float)x,
        FloatFormat.Float16 => RoundTo(x, 11, -14, 65504),
        _ => RoundTo(x, 8, -126, 3.3895313892515355e38),
    };

    /// <summary>
    /// Rounds to a binary format with <paramref name="significandBits"/> bits, smallest normal exponent
    /// <paramref name="minExponent"/> and largest finite value <paramref name="maxFinite"/>: scale by the
    /// format's ulp at x, round half to even, scale back (exact in float64 for these small formats).
    /// </summary>
    internal static double RoundTo(double x, int significandBits, int minExponent, double maxFinite)
    {
        if (x == 0 || !double.IsFinite(x)) return x;
        int exponent = Math.Max(Math.ILogB(x), minExponent);
        double ulp = Math.ScaleB(1.0, exponent - (significandBits - 1));
        double rounded = Math.Round(x / ulp, MidpointRounding.ToEven) * ulp;
        return Math.Abs(rounded) > maxFinite ? (rounded > 0 ? double.PositiveInfinity : double.NegativeInfinity) : rounded;
    }
}
