using Microsoft.ML.OnnxRuntime;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;
using Subquad.Models.Onnx.Proto;
using Subquad.Models.Precision;

namespace Subquad.Models.Tests.Exactness;

/// <summary>
/// The four silent wrong answers of issue 13, each on the issue's own instance: the failure is reproduced where it
/// can still be built (the raw-t construction, ONNX Runtime's NoopElimination), and the shipped path answers right
/// or refuses.
/// </summary>
public sealed class Issue13RegressionTests
{
    private static bool Oracle(SimilarityInstance instance, Problem problem) => BruteForce.Instance.Solve(instance, problem).Found;

    private static bool Engine(SentinelConstruction c, SimilarityInstance instance, IAttentionMixer? mixer = null)
    {
        var input = c.Build(instance);
        return c.Decide((mixer ?? AttentionEngine.Default).Forward(input.X, input.Weights));
    }

    private static Rational Decimal(string text) => Rational.TryParse(text, out var r) ? r : throw new ArgumentException(text);

    // ---------------------------------------------------------------- 1. ONNX Runtime float64

    [Fact]
    public void OrtNoopElimination_DropsAFloat64FactorNearOne_AndTheRunnerDisablesIt()
    {
        // y = (|E| * (1 + 5e-8)) * E: ORT's NoopElimination takes the scalar for 1 and removes the Mul.
        var w = new OnnxGraphWriter(OnnxElementType.Float64);
        // An inner node between two others, as in the exported phi1 (ORT keeps a node fed by a graph input or feeding
        // a graph output).
        var y = w.Mul(w.Mul(w.Op("Abs", "E"), w.Scalar(1 + 5e-8)), "E");
        w.Output(w.Op("ReduceSum", y, OnnxBuilder.MakeAttribute("keepdims", 0L)), "tf");
        w.Output(y, "attention");
        var graph = OnnxBuilder.MakeGraph(w.Nodes, "noop", [OnnxBuilder.MakeTensorValueInfo("E", w.DataType, 1, 1)],
            [OnnxBuilder.MakeTensorValueInfo("tf", w.DataType), OnnxBuilder.MakeTensorValueInfo("attention", w.DataType, 1, 1)], w.Initializers);
        var bytes = OnnxBuilder.ToBytes(OnnxBuilder.MakeModel(graph));
        double Run(SessionOptions options)
        {
            using var session = new InferenceSession(bytes, options);
            using var input = OrtValue.CreateTensorValueFromMemory(new[] { 1.0 }, [1, 1]);
            using var outputs = session.Run(new RunOptions(), ["E"], [input], ["attention"]);
            return outputs[0].GetTensorDataAsSpan<double>()[0];
        }

        using var all = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        Assert.Equal(1.0, Run(all)); // the optimiser's slip: the factor is gone
        using var fixedOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        fixedOptions.AddSessionConfigEntry("optimization.disable_specified_optimizers", OnnxTransformerRunner.DisabledOptimizers);
        Assert.Equal(1 + 5e-8, Run(fixedOptions));

        using var runner = new OnnxTransformerRunner(bytes, OnnxElementType.Float64);
        var e = new Matrix(1, 1);
        e[0, 0] = 1;
        Assert.Equal(1 + 5e-8, runner.Run(e).Attention[0, 0]);
    }

    [Fact]
    public void OnnxFloat64_IssueInstance_AnswersNo_EvenAtTheRawThresholdsLambda()
    {
        // A = [[0,0,1,1,1,1,0,0]], B = [[0,1,0,0,0,0,0,0]], MSD at t = 1e-7 (and 1e-8, 1e-9): cos = 0 < t, so no.
        var instance = SimilarityInstance.Bichromatic(BinaryVectors.Parse("00111100"), BinaryVectors.Parse("01000000"));
        foreach (string t in new[] { "0.0000001", "0.00000001", "0.000000001" })
        {
            var problem = Problem.WithThreshold(ProblemKind.Msd, Decimal(t));
            Assert.False(Oracle(instance, problem));
            var shipped = TransformerConstructions.Create(problem, instance);
            using (var runner = new OnnxTransformerRunner(shipped))
            {
                Assert.True(runner.Run(shipped.EncodeRaw(instance)).Tf < 0.5, $"t = {t}");
            }

            // The old construction (sentinel placed from the raw t: gap = t, lambda ~ 1e8 .. 1e10) run by ONNX Runtime
            // with the runner's options now agrees with our engine and the oracle too.
            double raw = Decimal(t).ToDouble();
            var old = TransformerConstructions.CreateAt(problem, InstanceShape.Of(instance), raw, raw, new ConstructionOptions());
            Assert.True(old.Lambda > 1e7);
            using var oldRunner = new OnnxTransformerRunner(old);
            Assert.False(oldRunner.Run(old.EncodeRaw(instance)).Tf >= 0.5, $"t = {t}, lambda {old.Lambda:G3}");
            Assert.False(Engine(old, instance));
        }
    }

    // ---------------------------------------------------------------- 2. thresholds next to achievable scores

    [Theory]
    [InlineData(ProblemKind.Msd, "0.5000000000000001")]
    [InlineData(ProblemKind.Msd, "0.50000000000000001")]
    [InlineData(ProblemKind.Lsd, "0.49999999999999999")]
    [InlineData(ProblemKind.Msd, "0.5")]
    [InlineData(ProblemKind.Lsd, "0.5")]
    public void ThresholdNextToAchievableCosine_IsSnappedToTheMidpoint(ProblemKind kind, string t)
    {
        // Rows (1,1,0,0), (1,0,1,0): cosine exactly 1/2.
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1010"));
        var problem = Problem.WithThreshold(kind, Decimal(t));
        var c = TransformerConstructions.Create(problem, instance);
        Assert.True(double.IsFinite(c.Lambda) && c.Lambda < 1e4, $"lambda {c.Lambda}");
        Assert.Equal(Oracle(instance, problem), Engine(c, instance));
        using var runner = new OnnxTransformerRunner(c);
        Assert.Equal(Oracle(instance, problem), runner.Run(c.EncodeRaw(instance)).Tf >= 0.5);

        // Before the snap: the raw-t construction's lambda is 7e16 (or infinite), and the answer wrong or NaN.
        var snap = AchievableValues.Snap(kind, 4, problem.Threshold!.Value);
        Assert.True(snap.Gap > 0.05, $"spacing {snap.Gap}");
    }

    [Fact]
    public void RawThreshold_OneUlpAboveAnAchievableCosine_WasWrong()
    {
        // The pre-issue-13 construction (gap measured from t itself) on the issue's instance: lambda = 7e16, and the
        // float64 engine answers yes where the truth is no. Kept as the failing reference beside the fix.
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1010"));
        var problem = Problem.WithThreshold(ProblemKind.Msd, Decimal("0.5000000000000001"));
        double t = problem.Threshold!.Value.ToDouble();
        double rawGap = AchievableValues.CosineGap(4, problem.Threshold!.Value, maximising: true);
        var old = TransformerConstructions.CreateAt(problem, InstanceShape.Of(instance), t, rawGap, new ConstructionOptions());
        Assert.True(old.Lambda > 1e15);
        Assert.False(Oracle(instance, problem));
        Assert.True(Engine(old, instance)); // the old wrong "yes"
        Assert.Throws<PrecisionRefusedException>(() => old.EnsurePrecision(FloatFormat.Float64)); // now it would be refused
        Assert.False(Engine(TransformerConstructions.Create(problem, instance), instance));
    }

    [Fact]
    public void Float32_IssueInstance_AnswersNo()
    {
        // Rows (1,0,0), (1,1,0): cosine 1/sqrt(2) = 0.70710678... < 0.7071068, so MSD_t says no.
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("100", "110"));
        var problem = Problem.WithThreshold(ProblemKind.Msd, Decimal("0.7071068"));
        Assert.False(Oracle(instance, problem));
        var c = TransformerConstructions.Create(problem, instance);
        c.EnsurePrecision(FloatFormat.Float32);
        Assert.False(Engine(c, instance, new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32 })));
        using var runner = new OnnxTransformerRunner(c, OnnxElementType.Float32);
        Assert.False(runner.Run(c.EncodeRaw(instance)).Tf >= 0.5);
    }

    [Fact]
    public void PrecisionTooNarrowForLambda_IsRefused_NamingWhatItNeeds()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1010", "0111"));
        var problem = Problem.WithThreshold(ProblemKind.Lsd, new Rational(1, 2));
        var huge = TransformerConstructions.CreateAt(problem, InstanceShape.Of(instance), 0.5, 1e-9, new ConstructionOptions());
        var ex = Assert.Throws<PrecisionRefusedException>(() => huge.EnsurePrecision(FloatFormat.Float32));
        Assert.NotNull(ex.RequiredSignificandBits);
        Assert.True(ex.RequiredSignificandBits > 24 && ex.RequiredSignificandBits <= 53, ex.Message);
        Assert.Contains($"{ex.RequiredSignificandBits} significand bits", ex.Message, StringComparison.Ordinal);
        huge.EnsurePrecision(FloatFormat.Float64);
        Assert.Equal(Oracle(instance, problem), Engine(huge, instance)); // f64 suffices, as the bound says
    }

    // ---------------------------------------------------------------- 3. the paper scale

    [Fact]
    public void PaperScale_CorrectedVariant_IsRefused_AsWrittenOnlyWhereItsBoundHolds()
    {
        // 12 rows x 6 all sharing coordinate 0: no orthogonal pair. The corrected variant's midpoint sentinel halves
        // delta, so n v_max e^(-3 ln n / 2) never drops below a: it said "yes"; now it is refused with one line.
        var rows = Enumerable.Repeat("100000", 12).ToArray();
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse(rows));
        var paper = new ConstructionOptions { Scale = ConstructionScale.Paper };
        foreach (var problem in new[] { Problem.OrthogonalVectors, Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(0)) })
        {
            Assert.False(Oracle(instance, problem));
            var unchecked_ = TransformerConstructions.CreateUnchecked(problem, InstanceShape.Of(instance), paper);
            Assert.True(Engine(unchecked_, instance)); // what it answered before: yes
            var ex = Assert.Throws<ConstructionRefusedException>(() => TransformerConstructions.Create(problem, instance, paper));
            Assert.DoesNotContain('\n', ex.Message);
            Assert.Contains("robust", ex.Message, StringComparison.Ordinal);
        }

        // For every n, the corrected variant's paper-scale bound fails; the as-written one holds once l <~ sqrt(n)/2.
        foreach (int n in new[] { 2, 16, 256, 4096, 1 << 16 })
        {
            var shape = new InstanceShape(4, n, null);
            Assert.False(TransformerConstructions.CreateUnchecked(Problem.OrthogonalVectors, shape, paper).PaperBoundHolds);
            bool asWritten = TransformerConstructions.CreateUnchecked(Problem.OrthogonalVectors, shape, paper with { Variant = ConstructionVariant.AsWritten }).PaperBoundHolds;
            Assert.Equal(n >= 256, asWritten);
        }
    }

    // ---------------------------------------------------------------- 4. as-written Min-IP on all-zero input

    [Fact]
    public void AsWrittenMinIp_AllZeroInput_AnswersNo_CorrectedAnswersYes()
    {
        // Three zero rows, Min-IP_1: every pair has inner product 0 <= 1, yes. As written every document's value is
        // ||v||_1 = 0, so every o_i = 0 and phi2 says no (paper.md 4.3.1's OV edge case, also in Thm C.1's Min-IP).
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("000", "000", "000"));
        var problem = Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(1));
        Assert.True(Oracle(instance, problem));
        Assert.False(Engine(TransformerConstructions.Create(problem, instance, new ConstructionOptions { Variant = ConstructionVariant.AsWritten }), instance));
        Assert.True(Engine(TransformerConstructions.Create(problem, instance), instance)); // values 1 + ||v||_1
    }
}
