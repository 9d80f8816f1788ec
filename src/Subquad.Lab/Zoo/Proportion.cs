namespace Subquad.Lab.Zoo;

/// <summary>A count of successes with its Wilson 95% interval (the BRIEF's proportion object).</summary>
public sealed record Proportion(long Successes, long Trials, double Rate, double Ci95Low, double Ci95High)
{
    private const double Z = 1.959963984540054;

    /// <summary>k of n with the Wilson score interval; rate and bounds are NaN for n = 0.</summary>
    public static Proportion Of(long successes, long trials)
    {
        if (trials == 0) return new(0, 0, double.NaN, double.NaN, double.NaN);
        double p = (double)successes / trials, n = trials, z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new(successes, trials, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
