namespace Subquad.Lab.Analysis;

/// <summary>
/// A count of successes out of trials with its 95% Wilson score interval (Wilson 1927): the interval the BRIEF asks for
/// on every accuracy. Unlike the normal approximation it stays inside [0, 1] and is not degenerate at 0/n or n/n:
/// n/n has lower bound n / (n + z^2), so 16/16 is only known to be above 0.81 and 400/400 above 0.990.
/// </summary>
/// <param name="Successes">k.</param>
/// <param name="Trials">n (0 gives rate NaN and the interval [0, 1]).</param>
public readonly record struct Proportion(int Successes, int Trials)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>k / n, NaN when n = 0.</summary>
    public double Rate => Trials == 0 ? double.NaN : (double)Successes / Trials;

    /// <summary>Wilson lower bound (0 when n = 0).</summary>
    public double Ci95Low => Wilson(Successes, Trials, Z95).Low;

    /// <summary>Wilson upper bound (1 when n = 0).</summary>
    public double Ci95High => Wilson(Successes, Trials, Z95).High;

    /// <summary>
    /// The Wilson score interval for <paramref name="successes"/> out of <paramref name="trials"/> (both may be
    /// fractional: an effective count, see <see cref="BalancedAccuracy"/>).
    /// </summary>
    public static (double Low, double High) Wilson(double successes, double trials, double z = Z95)
    {
        if (trials <= 0) return (0, 1);
        double p = Math.Clamp(successes / trials, 0, 1);
        double z2 = z * z;
        double denominator = 1 + (z2 / trials);
        double centre = (p + (z2 / (2 * trials))) / denominator;
        double half = z * Math.Sqrt((p * (1 - p) / trials) + (z2 / (4 * trials * trials))) / denominator;
        // At k = 0 or k = n the exact bound is 0 or 1; rounding must not push it past.
        double low = successes <= 0 ? 0 : Math.Max(0, centre - half);
        double high = successes >= trials ? 1 : Math.Min(1, centre + half);
        return (low, high);
    }

    /// <summary>The fewest all-correct trials whose Wilson lower bound reaches <paramref name="target"/>: ceil(z^2 t / (1 - t)).</summary>
    public static int TrialsForLowerBound(double target)
    {
        if (target <= 0) return 1;
        if (target >= 1) return int.MaxValue;
        return (int)Math.Ceiling((Z95 * Z95 * target / (1 - target)) - 1e-9);
    }

    /// <inheritdoc/>
    public override string ToString() => Trials == 0 ? "n/a"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Successes}/{Trials} = {Rate:0.000} [{Ci95Low:0.000}, {Ci95High:0.000}]");
}
