using Subquad.Core.Problems;
using Subquad.Models.Attention;

namespace Subquad.Models.Constructions;

/// <summary>
/// Builds the paper's one-head transformers for OV (Thm 4.1), Max-IP_t / Min-IP_t (Thm C.1) and MSD_t / LSD_t
/// (Thm C.2), as written or corrected, in the Paper or Robust scale. The public entry other code calls:
/// <c>TransformerConstructions.Create(problem, instance).Build(instance)</c> gives a <see cref="ConstructedInput"/>
/// for any mixer; <c>.Decide(instance, AttentionEngine.Default)</c> runs it.
/// </summary>
/// <remarks>
/// Sizes (l = width, n = documents, N = n): as written, OV d_in = l, m = l+1, d_out = 1; the others d_in = m = l+1,
/// d_out = 1 (paper.md 1.6). Corrected: d_in = m = l + 2 (+2 colours when bichromatic, +n positions when
/// monochromatic and the problem is a "max" one or Search is on, +1 index when Search is on), d_out = 1 (3 with
/// Search). The raw rows of the corrected constructions are (v, kind, position): d = l + 2.
/// </remarks>
public static class TransformerConstructions
{
    /// <summary>The construction for <paramref name="problem"/> on instances of <paramref name="instance"/>'s shape.</summary>
    public static SentinelConstruction Create(Problem problem, SimilarityInstance instance, ConstructionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.Validate(problem);
        if (!instance.IsBinary) throw new ArgumentException("the paper's constructions take binary vectors", nameof(instance));
        return Create(problem, InstanceShape.Of(instance), options);
    }

    /// <summary>The construction for <paramref name="problem"/> on every instance of the given shape.</summary>
    /// <exception cref="ArgumentException">The problem is not a threshold problem or OV; an as-written construction was
    /// asked for a bichromatic shape or for Max-IP/Min-IP with t = 0 (outside Thm C.1's 1 &lt;= t &lt;= l); Search
    /// was asked for with the Paper scale or the as-written variant.</exception>
    public static SentinelConstruction Create(Problem problem, InstanceShape shape, ConstructionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(shape);
        options ??= new ConstructionOptions();
        if (!problem.IsDecision) throw new ArgumentException($"{problem} is not a decision problem; use PairSearch for exact optima", nameof(problem));
        if (shape.Documents < 2) throw new ArgumentException($"{shape.Documents} documents: a problem over pairs needs at least 2", nameof(shape));
        var construction = CreateUnchecked(problem, shape, options);
        if (options.Scale == ConstructionScale.Paper && !construction.PaperBoundHolds)
        {
            throw new ConstructionRefusedException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"the paper scale (lambda = 3 ln n = {construction.Lambda:G4}) cannot separate the cases of the {options.Variant} variant here: its no-case bound n v_max e^(-lambda delta) = {construction.NoCaseBound:G3} (delta = {construction.Margin:G3}) is not below a/2 = {construction.PhiTwoLow / 2:G3} for n = {shape.Documents}, l = {shape.Dimensions}; use the robust scale"));
        }

        return construction;
    }

    /// <summary>
    /// <see cref="Create(Problem, InstanceShape, ConstructionOptions?)"/> without the paper-scale refusal: only for
    /// tests that show the paper's scale failing where its bound does not hold.
    /// </summary>
    internal static SentinelConstruction CreateUnchecked(Problem problem, InstanceShape shape, ConstructionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(shape);
        options ??= new ConstructionOptions();
        if (!problem.IsDecision) throw new ArgumentException($"{problem} is not a decision problem; use PairSearch for exact optima", nameof(problem));
        if (shape.Documents < 2) throw new ArgumentException($"{shape.Documents} documents: a problem over pairs needs at least 2", nameof(shape));
        _ = TheoremOf(problem.Kind); // a kind without a construction (Hamming) is refused here, before anything is built
        var (t, gap) = ConstructionThreshold(problem, shape.Dimensions, options.Variant);
        return CreateAt(problem, shape, t, gap, options);
    }

    /// <summary>
    /// The threshold value and gap a construction is built with, never the user's raw t (issue 13): the achievable
    /// values on either side of t are found exactly (<see cref="AchievableValues.Snap"/>). Corrected: t' = the
    /// witness-side achievable value, gap = the spacing to the other side, so the sentinel (placed gap/2 from t') sits
    /// at the midpoint. As written (cosines): the sentinel encodes the midpoint itself with margin gap/2 (when both
    /// sides exist; otherwise the one achievable side, with ties as the paper has them). As written (inner products):
    /// Thm C.1's integer t, whose neighbours are at distance 1 already. OV: t = 0, gap 1.
    /// </summary>
    internal static (double T, double Gap) ConstructionThreshold(Problem problem, int dimensions, ConstructionVariant variant)
    {
        var kind = problem.Kind;
        if (kind == ProblemKind.Ov) return (0, 1);
        var snap = AchievableValues.Snap(kind, dimensions, problem.Threshold!.Value);
        if (variant == ConstructionVariant.Corrected) return (snap.Witness, Math.Min(1, snap.Gap));
        if (!kind.IsCosine()) return (problem.Threshold!.Value.ToDouble(), 1);
        if (snap.HasWitness && snap.HasOther) return (snap.Midpoint, snap.HalfGap);
        if (snap.HasWitness) return (snap.Witness, 1);

        // No pair can be a witness: a threshold in [0, 1] (the raw sentinel's flag needs t + 2 >= 2) on the witness side.
        double t = Math.Clamp(snap.Midpoint, 0, 1);
        return (t, Math.Abs(snap.Other - t));
    }

    /// <summary>Core: threshold value and gap already known (the search passes irrational cosines here).</summary>
    internal static SentinelConstruction CreateAt(Problem problem, InstanceShape shape, double t, double gap, ConstructionOptions options)
    {
        if (options.Search && (options.Variant != ConstructionVariant.Corrected || options.Scale != ConstructionScale.Robust))
        {
            throw new ArgumentException("Search needs the Corrected variant in the Robust scale (the tie-break needs the larger lambda)", nameof(options));
        }

        return options.Variant == ConstructionVariant.AsWritten
            ? AsWritten(problem, shape, t, gap, options.Scale)
            : CorrectedConstruction.Build(problem, shape, t, gap, options);
    }

    internal static (double A, double B) Thresholds(ConstructionScale scale, int n) => scale == ConstructionScale.Paper
        ? (Math.Pow(n + 1, -1.5), 1.0 / (n + 1))
        : (1.0 / (2 * (n + 1)), 1.0 / (n + 1));

    // ---------------------------------------------------------------- as written (Thm 4.1, C.1, C.2)
    private static SentinelConstruction AsWritten(Problem problem, InstanceShape shape, double t, double gap, ConstructionScale scale)
    {
        if (shape.IsBichromatic) throw new ArgumentException("the paper gives no bichromatic encoding for its transformers (paper.md 7 item 13); use the Corrected variant", nameof(shape));
        var kind = problem.Kind;
        int n = shape.Documents, l = shape.Dimensions;
        if (kind is ProblemKind.MaxIp or ProblemKind.MinIp && (t < 1 || t > l))
        {
            throw new ArgumentException($"Thm C.1 needs an integer 1 <= t <= l = {l}, got t = {t} (the raw sentinel's flag t+1 must be >= 2); use the Corrected variant", nameof(problem));
        }

        int sign = kind.Maximises() ? 1 : -1;
        double vMax = kind.IsCosine() ? Math.Sqrt(l) : l;
        double lambda = scale == ConstructionScale.Paper
            ? 3 * Math.Log(n)
            : kind.IsCosine() ? Math.Log(4.0 * n * (n + 1) * vMax) / gap : Math.Log(4.0 * n * (n + 1) * vMax) + 1;
        var (a, b) = Thresholds(scale, n);

        if (kind == ProblemKind.Ov)
        {
            // Thm 4.1: x_i = v_i, sentinel 0^l, M = -lambda I_l (Q = -lambda [I | 0], K = [I | 0], m = l + 1), V = 1_l.
            // Score of (i, j) is -lambda <v_i, v_j>, of the sentinel 0; val_j = ||v_j||_1, the sentinel's 0.
            // Yes: an orthogonal nonzero partner scores 0, the maximum, so o_i >= 1/(n+1). No: every document
            // scores <= -lambda, so o_i <= n l e^-lambda < a. Fails when every vector is zero (all values 0).
            var q = new Matrix(l, l + 1);
            var k = new Matrix(l, l + 1);
            var v = new Matrix(l, 1);
            for (int c = 0; c < l; c++)
            {
                q[c, c] = -lambda;
                k[c, c] = 1;
                v[c, 0] = 1;
            }

            return new SentinelConstruction
            {
                Problem = problem, Shape = shape, Theorem = TheoremOf(ProblemKind.Ov), Variant = ConstructionVariant.AsWritten, Scale = scale, Search = false,
                ThresholdValue = 0, Gap = 1, Sign = -1, Lambda = lambda, MaxValue = l, PhiTwoLow = a, PhiTwoHigh = b,
                Margin = 1, ScoreMagnitude = l,
                Form = PhiOneForm.Identity,
                Phi1 = new RowMap(l, l, static (x, y) => x.CopyTo(y)),
                RawSentinel = new double[l],
                Weights = new AttentionWeights(q, k, v),
            };
        }

        // Thm C.1 / C.2: x_i = (f(v_i), 1) with f = id (IP) or v/||v||_2 (cosine); sentinel tau_t = (0_l, t+1);
        // M = sign lambda I_{l+1}; V = (1, ..., 1, 0). Scores: sign lambda (sim + 1) for documents,
        // sign lambda (t + 1) for the sentinel. Values: ||v||_1 (IP) or sqrt(||v||_1) (cosine), sentinel 0.
        // The self-pair scores sign lambda (||v_i||_1 + 1) (IP) or 2 sign lambda (cosine): for "max" problems it
        // beats the sentinel whenever ||v_i||_1 >= t, so the no-case bound fails (paper.md 4.3.4); kept as written.
        int d = l + 1;
        var qm = new Matrix(d, d);
        var km = new Matrix(d, d);
        var vm = new Matrix(d, 1);
        for (int c = 0; c < d; c++)
        {
            qm[c, c] = sign * lambda;
            km[c, c] = 1;
            if (c < l) vm[c, 0] = 1;
        }

        bool cosine = kind.IsCosine();
        var sentinel = new double[l];
        sentinel[l - 1] = cosine ? t + 2 : t + 1;
        return new SentinelConstruction
        {
            Problem = problem, Shape = shape, Theorem = TheoremOf(problem.Kind), Variant = ConstructionVariant.AsWritten, Scale = scale, Search = false,
            ThresholdValue = t, Gap = gap, Sign = sign, Lambda = lambda, MaxValue = vMax, PhiTwoLow = a, PhiTwoHigh = b,
            Margin = gap, ScoreMagnitude = (cosine ? 1 : l) + Math.Max(1, t + 1),
            Form = cosine ? PhiOneForm.Normalising : PhiOneForm.AppendFlag,
            Phi1 = new RowMap(l, d, cosine ? PhiOneNormalising : PhiOneAppendFlag),
            RawSentinel = sentinel,
            Weights = new AttentionWeights(qm, km, vm),
        };
    }

    /// <summary>g(y) = clamp(2 - y, 0, 1): 1 for y &lt;= 1 (a binary row), 0 for y &gt;= 2 (the sentinel's flag).</summary>
    internal static double Flag(double y) => Math.Clamp(2 - y, 0, 1);

    /// <summary>Lemma D.2: g (x, 1) + (1 - g) (0, x) with g = Flag(x[l]).</summary>
    internal static void PhiOneAppendFlag(ReadOnlySpan<double> x, Span<double> y)
    {
        int l = x.Length;
        double g = Flag(x[l - 1]);
        y[0] = g * x[0];
        for (int k = 1; k < l; k++) y[k] = (g * x[k]) + ((1 - g) * x[k - 1]);
        y[l] = g + ((1 - g) * x[l - 1]);
    }

    /// <summary>Lemma D.3 as HEAD fixes it: g (x / max(||x||_2, 1/2), 1) + (1 - g) (0_l, x[l] - 1).</summary>
    internal static void PhiOneNormalising(ReadOnlySpan<double> x, Span<double> y)
    {
        int l = x.Length;
        double g = Flag(x[l - 1]);
        double norm = 0;
        foreach (double value in x) norm += value * value;
        norm = Math.Max(Math.Sqrt(norm), 0.5);
        for (int k = 0; k < l; k++) y[k] = g * x[k] / norm;
        y[l] = g + ((1 - g) * (x[l - 1] - 1));
    }

    /// <summary>
    /// The theorem a construction for <paramref name="kind"/> implements; every kind is named, none falls through.
    /// Min-/Max-Hamming: none. The paper gives no construction for them (a head could score 2 a.b - |b|, which orders
    /// each query's keys by Hamming distance, but that is not the paper's construction and is not built here).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The kind has no construction (the Hamming kinds, or an unknown value).</exception>
    internal static string TheoremOf(ProblemKind kind) => kind switch
    {
        ProblemKind.Ov => "Thm 4.1",
        ProblemKind.MaxIp or ProblemKind.MinIp => "Thm C.1",
        ProblemKind.Msd or ProblemKind.Lsd => "Thm C.2",
        ProblemKind.MinHamming or ProblemKind.MaxHamming => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"the paper gives no transformer construction for {kind.PaperName()}; the transformer solves ov, maxip, minip, msd and lsd"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no transformer construction in the paper for this problem kind"),
    };
}
