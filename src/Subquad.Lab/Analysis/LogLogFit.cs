namespace Subquad.Lab.Analysis;

/// <summary>
/// Least-squares line through (ln x, ln y): y ~ e^Intercept * x^Slope. The slope is the measured exponent (time ~ n^Slope).
/// </summary>
/// <param name="Slope">The exponent.</param>
/// <param name="Intercept">ln of the constant.</param>
/// <param name="RSquared">Coefficient of determination in log space (1 for a perfect power law).</param>
/// <param name="Points">How many points were fitted.</param>
public readonly record struct LogLogFit(double Slope, double Intercept, double RSquared, int Points)
{
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
        return new LogLogFit(slope, intercept, r2, points.Count);
    }

    /// <summary>The fitted value at x.</summary>
    public double At(double x) => Math.Exp(Intercept + (Slope * Math.Log(x)));
}
