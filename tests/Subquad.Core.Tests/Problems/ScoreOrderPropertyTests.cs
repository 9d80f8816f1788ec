using System.Numerics;
using CsCheck;
using Subquad.Core.Problems;

namespace Subquad.Core.Tests.Problems;

/// <summary>
/// The exact binary cosine comparison (<see cref="ScoreOrder"/>) against a BigInteger reference, on random triples and
/// on constructed ties and near-ties that float64 cannot separate.
/// </summary>
public class ScoreOrderPropertyTests
{
    // Reference: cos_x vs cos_y  <=>  ipx^2 * wy_i * wy_j vs ipy^2 * wx_i * wx_j, in BigInteger.
    private static int Reference(PairScore x, PairScore y) =>
        (BigInteger.Pow(x.InnerProduct, 2) * y.WeightI * y.WeightJ).CompareTo(BigInteger.Pow(y.InnerProduct, 2) * x.WeightI * x.WeightJ);

    private static readonly Gen<PairScore> Scores =
        from l in Gen.OneOf(Gen.Int[1, 300], Gen.Int[1, 1 << 20], Gen.Const(int.MaxValue))
        from wi in Gen.Int[1, l]
        from wj in Gen.Int[1, l]
        from ip in Gen.Int[0, Math.Min(wi, wj)]
        select PairScore.Binary(ProblemKind.Msd, ip, wi, wj);

    [Fact]
    public void CompareValues_AgreesWithBigInteger_OnRandomScores()
    {
        Gen.Select(Scores, Scores).Sample((x, y) =>
        {
            Assert.Equal(Reference(x, y), Math.Sign(ScoreOrder.CompareValues(ProblemKind.Msd, x, y)));
            Assert.Equal(Reference(x, y), Math.Sign(ScoreOrder.CompareValues(ProblemKind.Lsd, x, y)));
            Assert.Equal(x.InnerProduct.CompareTo(y.InnerProduct), Math.Sign(ScoreOrder.CompareValues(ProblemKind.MaxIp, x, y)));
        }, iter: 3000, threads: 1);
    }

    [Fact]
    public void CompareValues_ExactTies_AreTies()
    {
        // cos = k*a / sqrt(k^2 a^2 * ...) : scale ip by s and both weights by s: the cosine is unchanged.
        var random = new Random(3);
        for (int t = 0; t < 2000; t++)
        {
            long wi = random.Next(1, 3000), wj = random.Next(1, 3000), ip = random.Next(0, (int)Math.Min(wi, wj) + 1), s = random.Next(1, 400);
            var x = PairScore.Binary(ProblemKind.Msd, ip, wi, wj);
            var y = PairScore.Binary(ProblemKind.Msd, ip * s, wi * s, wj * s);
            Assert.Equal(0, ScoreOrder.CompareValues(ProblemKind.Msd, x, y));
            Assert.False(ScoreOrder.Better(ProblemKind.Msd, x, y) || ScoreOrder.Better(ProblemKind.Msd, y, x));
            // Swapped weights: same cosine.
            Assert.Equal(0, ScoreOrder.CompareValues(ProblemKind.Lsd, x, PairScore.Binary(ProblemKind.Lsd, ip, wj, wi)));
        }
    }

    [Fact]
    public void CompareValues_NearTies_BeyondFloat64_AreDecided()
    {
        // ip^2 * w' = ip'^2 * w +- 1 with huge weights: the cosines differ in about the 19th digit, which float64
        // rounds to equal values, but the integers decide. Pell-like pairs: (ip, w) with ip^2 = w*m - 1 vs m.
        int decided = 0, float64Ties = 0;
        var random = new Random(7);
        for (int t = 0; t < 2000; t++)
        {
            long a = random.Next(1 << 20, int.MaxValue);
            // x: ip = a, weights (a + 1, a - 1): cos^2 = a^2 / (a^2 - 1), just above 1 is impossible (ip <= weights),
            // so use ip = a - 1, weights (a, a - 1) -> cos^2 = (a-1)/a; y: ip = a, weights (a + 1, a) -> cos^2 = a/(a+1).
            var x = PairScore.Binary(ProblemKind.Msd, a - 1, a, a - 1);
            var y = PairScore.Binary(ProblemKind.Msd, a, a + 1, a);
            int exact = Reference(x, y);
            Assert.Equal(-1, exact);
            Assert.Equal(exact, Math.Sign(ScoreOrder.CompareValues(ProblemKind.Msd, x, y)));
            Assert.True(ScoreOrder.Better(ProblemKind.Msd, y, x));
            Assert.True(ScoreOrder.Better(ProblemKind.Lsd, x, y));
            decided++;
            if (x.Value == y.Value) float64Ties++;
        }

        Assert.Equal(2000, decided);
        Assert.True(float64Ties > 0, "the construction should include pairs float64 cannot tell apart");
    }

    [Fact]
    public void Thresholds_AgreeWithRationalReference()
    {
        var random = new Random(9);
        for (int t = 0; t < 3000; t++)
        {
            long wi = random.Next(1, 500), wj = random.Next(1, 500), ip = random.Next(0, (int)Math.Min(wi, wj) + 1);
            var score = PairScore.Binary(ProblemKind.Msd, ip, wi, wj);
            // A threshold exactly at the cosine when it is rational (ip^2/(wi wj) a square), else random.
            BigInteger num = random.Next(0, 1000), den = 1000;
            if (t % 3 == 0 && IsSquare(wi * wj, out long root)) (num, den) = (ip, root);
            var threshold = new Rational(num, den);
            // Reference: ip/sqrt(wi wj) vs num/den  <=>  ip^2 den^2 vs num^2 wi wj.
            int expected = (BigInteger.Pow(ip, 2) * den * den).CompareTo(num * num * wi * wj);
            Assert.Equal(expected, Math.Sign(ScoreOrder.CompareToThreshold(ProblemKind.Msd, score, threshold)));
            Assert.Equal(expected >= 0, ScoreOrder.MeetsThreshold(ProblemKind.Msd, score, threshold));
            Assert.Equal(expected <= 0, ScoreOrder.MeetsThreshold(ProblemKind.Lsd, score, threshold));
        }
    }

    [Fact]
    public void WithinGamma_AgreesWithRationalReference()
    {
        var random = new Random(13);
        for (int t = 0; t < 3000; t++)
        {
            long bi = random.Next(1, 200), bj = random.Next(1, 200), bip = random.Next(0, (int)Math.Min(bi, bj) + 1);
            long xi = random.Next(1, 200), xj = random.Next(1, 200), xip = random.Next(0, (int)Math.Min(xi, xj) + 1);
            var gamma = new Rational(random.Next(100, 400), 100);
            var best = PairScore.Binary(ProblemKind.Msd, bip, bi, bj);
            var x = PairScore.Binary(ProblemKind.Msd, xip, xi, xj);
            BigInteger g2n = gamma.Numerator * gamma.Numerator, g2d = gamma.Denominator * gamma.Denominator;
            // MSD: gamma cos_x >= cos_best  <=>  g^2 xip^2 bw >= bip^2 xw.
            bool msd = g2n * xip * xip * (bi * bj) >= g2d * bip * bip * (xi * xj);
            bool lsd = g2d * xip * xip * (bi * bj) <= g2n * bip * bip * (xi * xj);
            Assert.Equal(msd, ScoreOrder.WithinGamma(ProblemKind.Msd, x, best, gamma));
            Assert.Equal(lsd, ScoreOrder.WithinGamma(ProblemKind.Lsd, x, best, gamma));
            Assert.Equal(xip * gamma.Numerator >= bip * gamma.Denominator, ScoreOrder.WithinGamma(ProblemKind.MaxIp, x, best, gamma));
            Assert.Equal(xip * gamma.Denominator <= bip * gamma.Numerator, ScoreOrder.WithinGamma(ProblemKind.MinIp, x, best, gamma));
        }
    }

    private static bool IsSquare(long value, out long root)
    {
        root = (long)Math.Round(Math.Sqrt(value));
        return root * root == value;
    }
}
