using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;
using Subquad.Models.Precision;

namespace Subquad.Models.Tests.Exactness;

/// <summary>
/// Issue 13's property: on random instances with thresholds on, next to, and one ulp either side of achievable
/// scores, for every problem kind, monochromatic and bichromatic, our engine (f64, f32) and ONNX Runtime (f64, f32)
/// give the oracle's answer or refuse naming the precision needed; never a wrong answer. The exact search (the
/// transformer's pair) is checked the same way. SUBQUAD_LONG_TESTS=1 runs ten times as many cases.
/// </summary>
public sealed class ExactnessPropertyTests
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1";

    public static TheoryData<ProblemKind, bool> Kinds()
    {
        var data = new TheoryData<ProblemKind, bool>();
        foreach (var kind in new[] { ProblemKind.Ov, ProblemKind.MaxIp, ProblemKind.MinIp, ProblemKind.Msd, ProblemKind.Lsd })
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    /// <summary>Thresholds around one achievable score c of the instance: on it, its neighbours, one ulp either side.</summary>
    internal static IEnumerable<(Rational T, string How)> ThresholdsAround(ProblemKind kind, int l, PairScore score, Random random)
    {
        if (!kind.IsCosine())
        {
            long c = score.InnerProduct;
            foreach (long t in new[] { c, c - 1, c + 1 })
            {
                if (t >= 0 && t <= l) yield return (Rational.FromInteger(t), $"t = {t} (ip {c})");
            }

            yield break;
        }

        var exact = new CosineValue((int)score.InnerProduct, (int)score.WeightI, (int)score.WeightJ);
        double value = exact.Value;

        // On: exactly c when it is rational (a b a perfect square), else the double nearest it.
        long product = (long)exact.A * exact.B, root = (long)Math.Round(Math.Sqrt(product));
        yield return (root * root == product ? new Rational(exact.K, root) : Rational.FromDouble(value), $"on c = {exact}");
        if (value > 0) yield return (Rational.FromDouble(Math.BitDecrement(value)), $"one ulp below c = {exact}");
        if (value < 1) yield return (Rational.FromDouble(Math.BitIncrement(value)), $"one ulp above c = {exact}");

        // Next to: a neighbouring achievable value, or a point a hair inside the gap.
        var values = AchievableValues.Cosines(l);
        int index = AchievableValues.FindIndex(values, exact);
        int neighbour = Math.Clamp(index + (random.Next(2) == 0 ? -1 : 1), 0, values.Count - 1);
        double next = values[neighbour].Value;
        yield return (Rational.FromDouble(Math.Clamp(next, 0, 1)), $"neighbour {values[neighbour]} of c = {exact}");
        double inside = value + ((next - value) * 1e-9);
        yield return (Rational.FromDouble(Math.Clamp(inside, 0, 1)), $"1e-9 of the gap from c = {exact}");
    }

    private static SimilarityInstance RandomInstance(ProblemKind kind, bool bichromatic, Random random, out string how)
    {
        int n = 2 + (int)(30 * Math.Pow(random.NextDouble(), 2));
        int l = 1 + random.Next(12);
        double density = 0.1 + (0.8 * random.NextDouble());
        int seed = random.Next();
        bool nonZero = kind.IsCosine() || random.Next(3) != 0;
        how = $"n = {n}, l = {l}, density {density:F2}, seed {seed}, {(bichromatic ? "bichromatic" : "mono")}";
        if (!bichromatic) return SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(n, l, density, seed, nonZero));
        int na = Math.Max(1, n / 2);
        return SimilarityInstance.Bichromatic(InstanceGenerator.RandomBinary(na, l, density, seed, nonZero), InstanceGenerator.RandomBinary(Math.Max(1, n - na), l, density, seed + 1, nonZero));
    }

    private static PairScore RandomPairScore(SimilarityInstance instance, ProblemKind kind, Random random)
    {
        int i = random.Next(instance.A.Count);
        int j = random.Next(instance.Right.Count);
        if (!instance.IsBichromatic && i == j) j = (j + 1) % instance.Right.Count;
        return PairScoring.Score(kind == ProblemKind.Ov ? ProblemKind.MinIp : kind, instance.A, i, instance.Right, j);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryRuntime_AnswersLikeTheOracle_OrRefusesNamingThePrecision(ProblemKind kind, bool bichromatic)
    {
        var random = new Random(1300 + (10 * (int)kind) + (bichromatic ? 1 : 0));
        int instances = Long ? 60 : 8;
        int decided = 0, refused = 0;
        var f32 = new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32 });
        for (int trial = 0; trial < instances; trial++)
        {
            var instance = RandomInstance(kind, bichromatic, random, out string how);
            var problems = kind == ProblemKind.Ov
                ? [(Problem.OrthogonalVectors, "ov")]
                : ThresholdsAround(kind, instance.Dimensions, RandomPairScore(instance, kind, random), random).Select(x => (Problem.WithThreshold(kind, x.T), x.How)).ToList();
            foreach (var (problem, thresholdHow) in problems)
            {
                bool expected = BruteForce.Instance.Solve(instance, problem).Found;
                var construction = TransformerConstructions.Create(problem, instance);
                Assert.True(double.IsFinite(construction.Lambda), $"{how}, {thresholdHow}: lambda {construction.Lambda}");
                string context = $"{problem} {how}, {thresholdHow}: {construction}";
                foreach (var (format, runtime) in new[] { (FloatFormat.Float64, "own"), (FloatFormat.Float32, "own"), (FloatFormat.Float64, "onnx"), (FloatFormat.Float32, "onnx") })
                {
                    try
                    {
                        construction.EnsurePrecision(format);
                    }
                    catch (PrecisionRefusedException ex)
                    {
                        Assert.True(ex.RequiredSignificandBits is null || ex.RequiredSignificandBits > format.SignificandBits(), $"{context}: refused {format} but claims {ex.RequiredSignificandBits} bits suffice");
                        Assert.Contains("significand bits", ex.Message, StringComparison.Ordinal);
                        refused++;
                        continue;
                    }

                    bool answer;
                    if (runtime == "own")
                    {
                        var input = construction.Build(instance);
                        answer = construction.Decide((format == FloatFormat.Float64 ? AttentionEngine.Default : f32).Forward(input.X, input.Weights));
                    }
                    else
                    {
                        using var runner = new OnnxTransformerRunner(construction, format == FloatFormat.Float64 ? OnnxElementType.Float64 : OnnxElementType.Float32);
                        answer = runner.Run(construction.EncodeRaw(instance)).Tf >= 0.5;
                    }

                    Assert.True(expected == answer, $"{runtime} {format.CliName()}: transformer {answer}, oracle {expected}; {context}");
                    decided++;
                }
            }
        }

        Assert.True(decided >= 4 * instances, $"{decided} decided, {refused} refused");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Search_OwnAndOnnx_FindTheOraclesPair_OrRefuse(ProblemKind kind, bool bichromatic)
    {
        var random = new Random(2600 + (10 * (int)kind) + (bichromatic ? 1 : 0));
        int instances = Long ? 20 : 2;
        for (int trial = 0; trial < instances; trial++)
        {
            var instance = RandomInstance(kind, bichromatic, random, out string how);
            var exact = kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind);
            var oracle = BruteForce.Instance.Solve(instance, exact);
            foreach (var format in new[] { FloatFormat.Float64, FloatFormat.Float32 })
            {
                SearchResult found;
                try
                {
                    var element = format == FloatFormat.Float64 ? OnnxElementType.Float64 : OnnxElementType.Float32;
                    found = PairSearch.Solve(instance, kind, c =>
                    {
                        using var runner = new OnnxTransformerRunner(c, element);
                        return runner.Run(c.EncodeRaw(instance)).Attention;
                    }, format);
                }
                catch (PrecisionRefusedException ex)
                {
                    Assert.True(ex.RequiredSignificandBits is null || ex.RequiredSignificandBits > format.SignificandBits(), ex.Message);
                    Assert.NotEqual(FloatFormat.Float64, format); // float64 covers these small instances
                    continue;
                }

                Assert.True((oracle.I, oracle.J) == (found.Answer.I, found.Answer.J), $"onnx {format.CliName()} search {how}: ({found.Answer.I}, {found.Answer.J}) vs oracle ({oracle.I}, {oracle.J})");
            }

            var own = PairSearch.Solve(instance, kind);
            Assert.True((oracle.I, oracle.J) == (own.Answer.I, own.Answer.J), $"own search {how}");
        }
    }
}
