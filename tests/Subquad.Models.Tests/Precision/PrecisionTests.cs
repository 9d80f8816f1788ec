using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Precision;

namespace Subquad.Models.Tests.Precision;

public sealed class PrecisionTests
{
    [Fact]
    public void Float16Rounding_MatchesSystemHalf()
    {
        var random = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            double x = (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 20));
            Assert.Equal((double)(Half)x, FloatFormat.Float16.Round(x));
        }

        Assert.Equal(double.PositiveInfinity, FloatFormat.Float16.Round(70000));
    }

    [Fact]
    public void BFloat16Rounding_KeepsEightSignificantBits_TiesToEven()
    {
        Assert.Equal(1.0, FloatFormat.BFloat16.Round(1 + (1.0 / 512)));          // exactly half an ulp (2^-7): ties to even
        Assert.Equal(1 + (1.0 / 64), FloatFormat.BFloat16.Round(1 + (3.0 / 256))); // 1.5 ulp -> 2 ulp (even)
        Assert.Equal(256.0, FloatFormat.BFloat16.Round(257));
        var random = new Random(4);
        for (int i = 0; i < 5000; i++)
        {
            double x = random.NextDouble() * 1000;
            double r = FloatFormat.BFloat16.Round(x);
            Assert.True(Math.Abs(r - x) <= Math.ScaleB(1.0, Math.ILogB(x) - 8), $"{x} -> {r}");
            Assert.Equal(r, (double)(float)r); // representable in float32 as well
        }
    }

    [Fact]
    public void EmulatedFloat64_EqualsReference()
    {
        var random = new Random(8);
        var x = new Matrix(40, 5);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = random.NextDouble();
        var w = new AttentionWeights(new Matrix(5, 4, [.. Enumerable.Range(0, 20).Select(i => Math.Sin(i) * 3)]), new Matrix(5, 4, [.. Enumerable.Range(0, 20).Select(i => Math.Cos(i))]), new Matrix(5, 2, [.. Enumerable.Range(0, 10).Select(i => (double)i)]));
        var expected = AttentionReference.AttentionForward(x, w);
        var actual = new EmulatedAttention(FloatFormat.Float64).Forward(x, w);
        for (int i = 0; i < expected.Data.Length; i++) Assert.Equal(expected.Data[i], actual.Data[i], 1e-12);
    }

    [Fact]
    public void Sweep_Float64IsAlwaysRight_AndBFloat16FailsSomewhere()
    {
        var formats = new[] { FloatFormat.Float64, FloatFormat.Float32, FloatFormat.Float16, FloatFormat.BFloat16 };
        var cells = PrecisionSweep.Run([ProblemKind.Lsd, ProblemKind.MaxIp], [8, 32], [8, 32], formats, trials: 4, seed: 11);
        Assert.All(cells.Where(c => c.Format == FloatFormat.Float64), c => Assert.True(c.Wrong == 0, c.ToString()));
        Assert.Contains(cells, c => c.Format == FloatFormat.BFloat16 && c.Wrong > 0);
    }
}
