using System.Globalization;
using System.Numerics;

namespace Subquad.Core.Problems;

/// <summary>
/// An exact non-negative rational number, used for thresholds t and approximation factors gamma so that binary
/// cosine comparisons are decided in integers, never by rounding (DESIGN.md). "0.3" parses to exactly 3/10.
/// </summary>
public readonly record struct Rational
{
    /// <summary>Creates num/den in lowest terms; den must be positive, num non-negative.</summary>
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(denominator), "denominator must be positive");
        if (numerator.Sign < 0) throw new ArgumentOutOfRangeException(nameof(numerator), "must be non-negative");
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (g > 1)
        {
            numerator /= g;
            denominator /= g;
        }

        Numerator = numerator;
        Denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    /// <summary>Numerator (>= 0).</summary>
    public BigInteger Numerator { get; }

    /// <summary>Denominator (> 0).</summary>
    public BigInteger Denominator { get; }

    /// <summary>Nearest double.</summary>
    public double ToDouble() => (double)Numerator / (double)Denominator is var d && double.IsFinite(d)
        ? d
        : Math.Exp(BigInteger.Log(Numerator) - BigInteger.Log(Denominator));

    /// <summary>An integer value.</summary>
    public static Rational FromInteger(long value) => new(value, 1);

    /// <summary>The exact value of a finite non-negative double (a dyadic rational).</summary>
    public static Rational FromDouble(double value)
    {
        if (!double.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "must be finite and non-negative");
        if (value == 0) return new Rational(0, 1);
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent++;
        else mantissa |= 1L << 52;
        exponent -= 1075;
        return exponent >= 0
            ? new Rational(new BigInteger(mantissa) << exponent, 1)
            : new Rational(mantissa, BigInteger.One << -exponent);
    }

    /// <summary>Parses a plain decimal ("0.3", "2", "1e-3") exactly. Returns false for anything else or negatives.</summary>
    public static bool TryParse(string text, out Rational value)
    {
        value = default;
        text = text.Trim();
        if (text.Length == 0) return false;
        int exponent = 0;
        int e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)) return false;
            if (Math.Abs(exponent) > 400) return false;
            text = text[..e];
        }

        if (text.StartsWith('+')) text = text[1..];
        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text : text[..dot] + text[(dot + 1)..];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return false;
        if (dot >= 0) exponent -= text.Length - dot - 1;
        var num = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        value = exponent >= 0 ? new Rational(num * BigInteger.Pow(10, exponent), 1) : new Rational(num, BigInteger.Pow(10, -exponent));
        return true;
    }

    /// <summary>Compares exactly.</summary>
    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    /// <summary>True when the value is an integer.</summary>
    public bool IsInteger => Denominator.IsOne;

    /// <inheritdoc/>
    public override string ToString() => Denominator.IsOne
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : ToDouble().ToString("R", CultureInfo.InvariantCulture);
}
