namespace Subquad.Lab.Analysis;

/// <summary>
/// Percentile bootstrap for a fitted exponent: resample the instances of every n with replacement, aggregate each size
/// again (mean or median), refit the log-log line, repeat; the 2.5% and 97.5% quantiles of the slopes are the 95%
/// interval. Seeded, so a report is reproducible. With one instance per size the interval collapses to the point.
/// </summary>
public static class BootstrapInterval
{
    /// <summary>Resamples used by the report.</summary>
    public const int DefaultResamples = 1000;

    /// <summary>
    /// The slope's 95% interval for samples per x (each list: one value per instance), aggregated by
    /// <paramref name="aggregate"/>; null when fewer than two sizes have positive values.
    /// </summary>
    public static (double Low, double High)? Slope(IReadOnlyList<(double X, IReadOnlyList<double> Samples)> points, Func<IReadOnlyList<double>, double> aggregate, int resamples = DefaultResamples, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(aggregate);
        var usable = points.Where(p => p.X > 0 && p.Samples.Count > 0).ToList();
        if (usable.Select(p => p.X).Distinct().Count() < 2) return null;
        var random = new Random(seed);
        var slopes = new List<double>(resamples);
        var xs = usable.Select(p => p.X).ToList();
        var ys = new double[usable.Count];
        var buffer = new List<double>();
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < usable.Count; i++)
            {
                var samples = usable[i].Samples;
                buffer.Clear();
                for (int s = 0; s < samples.Count; s++) buffer.Add(samples[random.Next(samples.Count)]);
                ys[i] = aggregate(buffer);
            }

            if (LogLogFit.Fit(xs, ys) is { } fit && double.IsFinite(fit.Slope)) slopes.Add(fit.Slope);
        }

        if (slopes.Count == 0) return null;
        slopes.Sort();
        return (Quantile(slopes, 0.025), Quantile(slopes, 0.975));
    }

    /// <summary>Linear-interpolated quantile of sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return double.NaN;
        double position = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(position), hi = (int)Math.Ceiling(position);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (position - lo));
    }
}
