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
            : Corrected(problem, shape, t, gap, options);
    }

    private static (double A, double B) Thresholds(ConstructionScale scale, int n) => scale == ConstructionScale.Paper
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
                Problem = problem, Shape = shape, Theorem = "Thm 4.1", Variant = ConstructionVariant.AsWritten, Scale = scale, Search = false,
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
            Problem = problem, Shape = shape, Theorem = cosine ? "Thm C.2" : "Thm C.1", Variant = ConstructionVariant.AsWritten, Scale = scale, Search = false,
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

    // ---------------------------------------------------------------- corrected (R, paper.md 4.3.4, 7)
    private static SentinelConstruction Corrected(Problem problem, InstanceShape shape, double t, double gap, ConstructionOptions options)
    {
        var kind = problem.Kind;
        int n = shape.Documents, l = shape.Dimensions;
        bool cosine = kind.IsCosine();
        int sign = kind.Maximises() ? 1 : -1;
        bool colours = shape.IsBichromatic;
        bool selfSuppression = !colours && (kind.Maximises() || options.Search);

        // Score units (multiply by lambda): a document pair scores sign (sim + 1) - C [same colour] - C [i = j]
        // - eta p_j / n; the sentinel scores sign (t + 1) - delta0 / 2.
        //  * Witness (sign sim >= sign t): >= sign (t + 1) - eta > sentinel + delta0/4 (eta <= delta0/4).
        //  * Cross non-witness (sign sim <= sign t - delta0, the gap of the achievable values): <= sentinel - delta0/2.
        //  * Same colour or self: sign (sim + 1) <= U (U = l + 1 or 2 for "max", -1 for "min"), so with
        //    C = U - sign (t + 1) + delta0 it scores <= sign (t + 1) - delta0 = sentinel - delta0/2.
        // So with delta = delta0/2 the generic argument of paper.md 4.3 applies in both directions with margin,
        // and ties at the threshold no longer sit on phi2's edge b.
        double sentinelOffset = gap / 2;
        double delta = gap / 2;
        double upper = kind.Maximises() ? (cosine ? 2 : l + 1) : -1;
        double penalty = colours || selfSuppression ? upper - (sign * (t + 1)) + gap : 0;
        double tieBreak = options.Search ? gap / 4 : 0;

        // Self-suppression by position codes (issue 13): the position block holds a +-1 codeword c_p of length
        // k = O(polylog n) (PositionCode) and M's block is -C/k I_k, so a pair scores an extra -C <c_i, c_j>/k: exactly
        // -C for the self pair (as the one-hot block gives) and within +-C rho of 0 for every cross pair, rho the
        // code's proven cross bound. With C rho <= gap/4 every cross score moves by at most gap/4: witnesses stay
        // >= sentinel + gap/4, non-witnesses <= sentinel - gap/4, the self pair <= sentinel - gap/2 as before, so the
        // generic argument holds with delta = gap/4 (lambda doubles). Search keeps the exact one-hot block: its
        // tie-break needs cross scores at the optimum to be equal, not within gap/4.
        PositionCode? code = null;
        if (selfSuppression && !options.Search && options.SelfSuppression == SelfSuppression.PositionCode)
        {
            code = PositionCode.Choose(n, gap / (4 * penalty));
            if (code is not null) delta = gap / 4;
        }

        var layout = TaggedLayout.Allocate(l, colours, selfSuppression ? code?.Length ?? n : 0, options.Search);

        // Values: 1 + ||v||_1 for inner products (never 0, so zero vectors and OV's all-zero input are witnesses like
        // any other: v_min = 1), sqrt(||v||_1) for cosines (rows are nonzero); the sentinel's value is 0.
        double vMax = cosine ? Math.Sqrt(l) : l + 1;
        double lambda;
        if (options.Scale == ConstructionScale.Paper)
        {
            lambda = 3 * Math.Log(n);
        }
        else
        {
            lambda = (Math.Log(4.0 * n * (n + 1) * vMax) / delta) + (cosine ? 0 : 1);

            // Search: the dominant witness of a row must carry all but 1/(4n) of the row's document mass so the
            // mass-weighted position rounds to it; neighbouring positions differ by eta/n in score units, so
            // lambda eta / n >= ln(8 n^2) suffices (error <= n * n * e^{-lambda eta / n} < 1/4).
            if (options.Search) lambda = Math.Max(lambda, n * Math.Log(8.0 * n * n) / tieBreak);
        }

        var (a, b) = Thresholds(options.Scale, n);
        int din = layout.Width;

        // Q K^T = lambda M with K = I (m = d_in): the simplest exact factorisation; every block of M is needed.
        // Q = lambda M is written directly (no separate M: at d_in = 6,000 each d_in x d_in matrix is 288 MB).
        var q = new Matrix(din, din);
        var k = new Matrix(din, din);
        for (int r = 0; r < din; r++) k[r, r] = 1;
        for (int c = 0; c < l; c++) q[c, c] = lambda * sign;
        q[layout.One, layout.One] = lambda * sign;
        if (colours)
        {
            q[layout.ColourA, layout.ColourA] = lambda * -penalty;
            q[layout.ColourB, layout.ColourB] = lambda * -penalty;
        }

        double positionWeight = code is null ? penalty : penalty / code.Length;
        for (int p = 0; p < layout.PositionCount; p++) q[layout.Position + p, layout.Position + p] = lambda * -positionWeight;
        if (options.Search) q[layout.One, layout.Index] = lambda * -tieBreak;

        int dout = options.Search ? 3 : 1;
        var v = new Matrix(din, dout);
        for (int c = 0; c < l; c++) v[c, 0] = 1;
        if (!cosine) v[layout.Doc, 0] = 1;
        if (options.Search)
        {
            v[layout.Doc, 1] = 1;
            v[layout.Index, 2] = n;
        }

        // The sentinel's one-coordinate s gives score sign * s (its other coordinates are 0), so
        // s = (t + 1) - sign * offset places it at sign (t + 1) - offset.
        double sentinelOne = (t + 1) - (sign * sentinelOffset);
        var capturedLayout = layout;
        void PhiOne(ReadOnlySpan<double> x, Span<double> y)
        {
            // phi1 = g doc(x) + (1 - g) tau, g = clamp(2 - kind, 0, 1): continuous in every raw coordinate.
            double g = Flag(x[l]);
            double colour = Math.Clamp(x[l], 0, 1);
            double position = x[l + 1];
            y.Clear();
            double norm = 1;
            if (cosine)
            {
                double sum = 0;
                for (int c = 0; c < l; c++) sum += x[c] * x[c];
                norm = Math.Max(Math.Sqrt(sum), 0.5);
            }

            for (int c = 0; c < l; c++) y[c] = g * x[c] / norm;
            y[capturedLayout.One] = g + ((1 - g) * sentinelOne);
            y[capturedLayout.Doc] = g;
            if (capturedLayout.ColourA >= 0)
            {
                y[capturedLayout.ColourA] = g * (1 - colour);
                y[capturedLayout.ColourB] = g * colour;
            }

            if (code is null)
            {
                for (int p = 0; p < capturedLayout.PositionCount; p++) y[capturedLayout.Position + p] = g * Math.Max(0, 1 - Math.Abs(position - p));
            }
            else if (g > 0)
            {
                // Piecewise-linear in p between the codewords of the neighbouring integers: continuous, c_p at integer p.
                var block = y.Slice(capturedLayout.Position, code.Length);
                double clamped = Math.Clamp(position, 0, n - 1);
                int lower = (int)Math.Floor(clamped);
                double fraction = clamped - lower;
                code.Write(lower, block);
                if (fraction > 0)
                {
                    Span<double> upperWord = code.Length <= 4096 ? stackalloc double[code.Length] : new double[code.Length];
                    code.Write(lower + 1, upperWord);
                    for (int c = 0; c < block.Length; c++) block[c] = (1 - fraction) * block[c] + (fraction * upperWord[c]);
                }

                for (int c = 0; c < block.Length; c++) block[c] *= g;
            }
            if (capturedLayout.Index >= 0) y[capturedLayout.Index] = g * position / n;
        }

        var sentinel = new double[l + 2];
        sentinel[l] = 2;
        string theorem = kind switch
        {
            ProblemKind.Ov => "Thm 4.1",
            ProblemKind.MaxIp or ProblemKind.MinIp => "Thm C.1",
            _ => "Thm C.2",
        };
        return new SentinelConstruction
        {
            Problem = problem, Shape = shape, Theorem = theorem, Variant = ConstructionVariant.Corrected, Scale = options.Scale, Search = options.Search,
            ThresholdValue = t, Gap = gap, Sign = sign, Lambda = lambda, MaxValue = vMax, PhiTwoLow = a, PhiTwoHigh = b,
            Margin = delta, ScoreMagnitude = (cosine ? 1 : l) + Math.Max(1, Math.Abs(sentinelOne)) + penalty + tieBreak,
            Form = PhiOneForm.Tagged,
            Phi1 = new RowMap(l + 2, din, PhiOne),
            RawSentinel = sentinel,
            Weights = new AttentionWeights(q, k, v),
            Layout = layout,
            Code = code,
            Penalty = penalty,
            SentinelOffset = sentinelOffset,
            TieBreak = tieBreak,
        };
    }
}
