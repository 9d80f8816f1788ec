using Subquad.Lab.Analysis;

namespace Subquad.Lab.Tests.Analysis;

/// <summary>The one log-log fit (bench, transformer --bench, duel, zoo): slope and its t-based 95% interval.</summary>
public sealed class LogLogFitTests
{
    [Fact]
    public void ExactPowerLaw_HasItsExponent_AndAZeroWidthInterval()
    {
        var fit = LogLogFit.Fit([(1000.0, 3e-3), (2000.0, 12e-3), (4000.0, 48e-3)])!.Value;
        Assert.Equal(2, fit.Slope, 12);
        Assert.Equal(2, fit.Ci95Low, 9);
        Assert.Equal(2, fit.Ci95High, 9);
        Assert.Equal(3, fit.Points);
    }

    [Fact]
    public void TwoPoints_HaveASlope_ButNoInterval_OneSizeHasNoFit()
    {
        var fit = LogLogFit.Fit([(10.0, 1.0), (20.0, 4.0)])!.Value;
        Assert.Equal(2, fit.Slope, 12);
        Assert.True(double.IsNaN(fit.Ci95Low) && double.IsNaN(fit.Ci95High));
        Assert.Null(LogLogFit.Fit([(10.0, 1.0), (10.0, 2.0)]));
    }

    [Fact]
    public void NoisyPoints_IntervalMatchesTheHandComputedOne()
    {
        // ln-ln points (0, 0), (1, 1.1), (2, 1.9), (3, 3.2): slope 1.04, residual SS 0.042, sxx 5, se = sqrt(0.042 / 2 / 5),
        // t(2) = 4.303.
        var points = new[] { 0.0, 1.1, 1.9, 3.2 }.Select((y, x) => (Math.Exp(x), Math.Exp(y)));
        var fit = LogLogFit.Fit(points)!.Value;
        double se = Math.Sqrt(0.042 / 2 / 5);
        Assert.Equal(1.04, fit.Slope, 10);
        Assert.Equal(1.04 - (4.303 * se), fit.Ci95Low, 10);
        Assert.Equal(1.04 + (4.303 * se), fit.Ci95High, 10);
    }

    [Theory]
    [InlineData(1.0, 3.0)]
    [InlineData(2.0, 0.5)]
    [InlineData(1.5, 10.0)]
    public void Fit_OfAPowerLaw_RecoversTheExponent(double exponent, double constant)
    {
        var xs = new double[] { 16, 32, 64, 128, 256 };
        var fit = LogLogFit.Fit(xs, xs.Select(x => constant * Math.Pow(x, exponent)).ToArray())!.Value;
        Assert.Equal(exponent, fit.Slope, 1e-10);
        Assert.Equal(Math.Log(constant), fit.Intercept, 1e-9);
        Assert.Equal(1.0, fit.RSquared, 1e-12);
        Assert.Equal(constant * Math.Pow(1000, exponent), fit.At(1000), 1e-6 * fit.At(1000));
    }

    [Fact]
    public void Fit_NeedsTwoDistinctPositivePoints()
    {
        Assert.Null(LogLogFit.Fit([16.0], [3.0]));
        Assert.Null(LogLogFit.Fit([16.0, 16.0], [3.0, 4.0]));
        Assert.Null(LogLogFit.Fit([16.0, 32.0], [0.0, 4.0]));
    }
}
