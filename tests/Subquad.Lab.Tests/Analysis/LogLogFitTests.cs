using Subquad.Lab.Analysis;

namespace Subquad.Lab.Tests.Analysis;

public sealed class LogLogFitTests
{
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
