namespace Subquad.Lab.Analysis;

/// <summary>
/// Least-squares line through (ln x, ln y): y ~ e^Intercept * x^Slope. The slope is the measured exponent (time ~ n^Slope).
/// </summary>
/// <param name="Slope">The exponent.</param>
/// <param name="Intercept">ln of the constant.</param>
/// <param name="RSquared">Coefficient of determination in log space (1 for a perfect power law).</param>
/// <param name="Points">How many points were fitted.</param>
/// <param name="SlopeStandardError">The slope's standard error from the residuals (NaN with fewer than three points).</param>
/// <remarks>
/// The one log-log fit of the house: <c>subquad bench</c>, <c>transformer --bench</c>, the duel and the zoo all fit
/// their exponents here. <see cref="Ci95Low"/> / <see cref="Ci95High"/> are the t-distribution interval on the slope
/// (the duel adds a bootstrap over instances on top, <see cref="BootstrapInterval"/>).
/// </remarks>
public readonly record struct LogLogFit(double Slope, double Intercept, double RSquared, int Points, double SlopeStandardError = double.NaN)
{
    /// <summary>Lower end of the slope's 95% interval (t with Points - 2 degrees of freedom); NaN below three points.</summary>
    public double Ci95Low => Slope - (StudentT975(Points - 2) * SlopeStandardError);

    /// <summary>Upper end of the slope's 95% interval; NaN below three points.</summary>
    public double Ci95High => Slope + (StudentT975(Points - 2) * SlopeStandardError);

    /// <summary>Fits (x, y) pairs; see <see cref="Fit(IReadOnlyList{double}, IReadOnlyList{double})"/>.</summary>
    public static LogLogFit? Fit(IEnumerable<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        return Fit(list.Select(p => p.X).ToList(), list.Select(p => p.Y).ToList());
    }

    /// <summary>The 0.975 quantile of Student's t with <paramref name="degrees"/> degrees of freedom (table; 1.96 beyond 30; NaN below 1).</summary>
    public static double StudentT975(int degrees)
    {
        double[] table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        return degrees < 1 ? double.NaN : degrees <= table.Length ? table[degrees - 1] : 1.96;
    }

    /// <summary>Fits the points with x &gt; 0 and y &gt; 0; null when fewer than two distinct x remain.</summary>
    public static LogLogFit? Fit(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Count != ys.Count) throw new ArgumentException($"{xs.Count} x values but {ys.Count} y values");
        var points = xs.Zip(ys).Where(p => p.First > 0 && p.Second > 0 && double.IsFinite(p.First) && double.IsFinite(p.Second))
            .Select(p => (X: Math.Log(p.First), Y: Math.Log(p.Second))).ToList();
        if (points.Select(p => p.X).Distinct().Count() < 2) return null;
        double meanX = points.Average(p => p.X), meanY = points.Average(p => p.Y);
        double sxx = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        double sxy = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        double syy = points.Sum(p => (p.Y - meanY) * (p.Y - meanY));
        double slope = sxy / sxx;
        double intercept = meanY - (slope * meanX);
        double r2 = syy == 0 ? 1 : (sxy * sxy) / (sxx * syy);
        int degrees = points.Count - 2;
        double residual = points.Sum(p => Math.Pow(p.Y - (meanY + (slope * (p.X - meanX))), 2));
        double standardError = degrees < 1 ? double.NaN : Math.Sqrt(residual / degrees / sxx);
        return new LogLogFit(slope, intercept, r2, points.Count, standardError);
    }

    /// <summary>The fitted value at x.</summary>
    public double At(double x) => Math.Exp(Intercept + (Slope * Math.Log(x)));
}
