using Subquad.Core.Problems;
using Subquad.Models.Attention;

namespace Subquad.Models.Constructions;

/// <summary>
/// The corrected constructions (R; paper.md 4.3.4 and 7) of Thm 4.1 / C.1 / C.2 in four named parts: the score
/// units and penalty C (<see cref="Penalty"/>), the scale lambda (<see cref="Lambda"/>), the matrices Q and K with
/// Q K^T = lambda M (<see cref="ScoreMatrices"/>), the read-out V (<see cref="Values"/>; phi2's thresholds a, b are
/// <see cref="TransformerConstructions.Thresholds"/>) and the sentinel tau (<see cref="SentinelOne"/>, the phi1 of
/// <see cref="PhiOne"/>).
/// </summary>
/// <remarks>
/// Score units (multiply by lambda): a document pair scores sign (sim + 1) - C [same colour] - C [i = j]
/// - eta p_j / n; the sentinel scores sign (t + 1) - delta0 / 2.
/// <list type="bullet">
/// <item>Witness (sign sim &gt;= sign t): &gt;= sign (t + 1) - eta &gt; sentinel + delta0/4 (eta &lt;= delta0/4).</item>
/// <item>Cross non-witness (sign sim &lt;= sign t - delta0, the gap of the achievable values): &lt;= sentinel - delta0/2.</item>
/// <item>Same colour or self: sign (sim + 1) &lt;= U (U = l + 1 or 2 for "max", -1 for "min"), so with
/// C = U - sign (t + 1) + delta0 it scores &lt;= sign (t + 1) - delta0 = sentinel - delta0/2.</item>
/// </list>
/// So with delta = delta0/2 the generic argument of paper.md 4.3 applies in both directions with margin, and ties at
/// the threshold no longer sit on phi2's edge b.
/// </remarks>
internal static class CorrectedConstruction
{
    /// <summary>The corrected construction at threshold t with gap delta0 = <paramref name="gap"/>.</summary>
    public static SentinelConstruction Build(Problem problem, InstanceShape shape, double t, double gap, ConstructionOptions options)
    {
        var kind = problem.Kind;
        int n = shape.Documents, l = shape.Dimensions;
        bool cosine = kind.IsCosine();
        int sign = kind.Maximises() ? 1 : -1;
        bool colours = shape.IsBichromatic;
        bool selfSuppression = !colours && (kind.Maximises() || options.Search);
        double sentinelOffset = gap / 2;
        double delta = gap / 2;
        double penalty = colours || selfSuppression ? Penalty(kind, l, t, gap) : 0;
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
        double lambda = Lambda(options.Scale, n, vMax, delta, cosine, options.Search, tieBreak);
        var (a, b) = TransformerConstructions.Thresholds(options.Scale, n);
        var (q, k) = ScoreMatrices(layout, l, lambda, sign, penalty, code, tieBreak);
        var v = Values(layout, l, n, cosine, options.Search);
        double sentinelOne = SentinelOne(t, sign, sentinelOffset);
        var sentinel = new double[l + 2];
        sentinel[l] = 2;
        return new SentinelConstruction
        {
            Problem = problem, Shape = shape, Theorem = TransformerConstructions.TheoremOf(kind), Variant = ConstructionVariant.Corrected, Scale = options.Scale, Search = options.Search,
            ThresholdValue = t, Gap = gap, Sign = sign, Lambda = lambda, MaxValue = vMax, PhiTwoLow = a, PhiTwoHigh = b,
            Margin = delta, ScoreMagnitude = (cosine ? 1 : l) + Math.Max(1, Math.Abs(sentinelOne)) + penalty + tieBreak,
            Form = PhiOneForm.Tagged,
            Phi1 = new RowMap(l + 2, layout.Width, PhiOne(layout, l, n, cosine, sentinelOne, code)),
            RawSentinel = sentinel,
            Weights = new AttentionWeights(q, k, v),
            Layout = layout,
            Code = code,
            Penalty = penalty,
            SentinelOffset = sentinelOffset,
            TieBreak = tieBreak,
        };
    }

    /// <summary>
    /// C = U - sign (t + 1) + delta0: the penalty that puts a same-colour or self pair at or below sentinel - delta0/2,
    /// U the largest sign (sim + 1) (l + 1 for Max-IP, 2 for MSD, -1 for the minimising problems).
    /// </summary>
    internal static double Penalty(ProblemKind kind, int l, double t, double gap)
    {
        int sign = kind.Maximises() ? 1 : -1;
        double upper = kind.Maximises() ? (kind.IsCosine() ? 2 : l + 1) : -1;
        return upper - (sign * (t + 1)) + gap;
    }

    /// <summary>
    /// lambda: 3 ln n in the paper's scale; in the robust scale ln(4 n (n+1) v_max) / delta (+1 for inner products),
    /// raised for search so the mass-weighted position rounds to the dominant witness.
    /// </summary>
    internal static double Lambda(ConstructionScale scale, int n, double vMax, double delta, bool cosine, bool search, double tieBreak)
    {
        if (scale == ConstructionScale.Paper) return 3 * Math.Log(n);
        double lambda = (Math.Log(4.0 * n * (n + 1) * vMax) / delta) + (cosine ? 0 : 1);

        // Search: the dominant witness of a row must carry all but 1/(4n) of the row's document mass so the
        // mass-weighted position rounds to it; neighbouring positions differ by eta/n in score units, so
        // lambda eta / n >= ln(8 n^2) suffices (error <= n * n * e^{-lambda eta / n} < 1/4).
        if (search) lambda = Math.Max(lambda, n * Math.Log(8.0 * n * n) / tieBreak);
        return lambda;
    }

    /// <summary>Q and K with Q K^T = lambda M: K = I (m = d_in), the simplest exact factorisation; every block of M is needed.</summary>
    internal static (Matrix Q, Matrix K) ScoreMatrices(TaggedLayout layout, int l, double lambda, int sign, double penalty, PositionCode? code, double tieBreak)
    {
        // Q = lambda M is written directly (no separate M: at d_in = 6,000 each d_in x d_in matrix is 288 MB).
        int din = layout.Width;
        var q = new Matrix(din, din);
        var k = new Matrix(din, din);
        for (int r = 0; r < din; r++) k[r, r] = 1;
        for (int c = 0; c < l; c++) q[c, c] = lambda * sign;
        q[layout.One, layout.One] = lambda * sign;
        if (layout.ColourA >= 0)
        {
            q[layout.ColourA, layout.ColourA] = lambda * -penalty;
            q[layout.ColourB, layout.ColourB] = lambda * -penalty;
        }

        double positionWeight = code is null ? penalty : penalty / code.Length;
        for (int p = 0; p < layout.PositionCount; p++) q[layout.Position + p, layout.Position + p] = lambda * -positionWeight;
        if (layout.Index >= 0) q[layout.One, layout.Index] = lambda * -tieBreak;
        return (q, k);
    }

    /// <summary>
    /// The read-out V: column 0 the value ||v||_1 + 1 (inner products) or the normalised row's mass (cosines), and
    /// for search the document mass and the position index n p (phi2 reads the pair off them).
    /// </summary>
    internal static Matrix Values(TaggedLayout layout, int l, int n, bool cosine, bool search)
    {
        var v = new Matrix(layout.Width, search ? 3 : 1);
        for (int c = 0; c < l; c++) v[c, 0] = 1;
        if (!cosine) v[layout.Doc, 0] = 1;
        if (search)
        {
            v[layout.Doc, 1] = 1;
            v[layout.Index, 2] = n;
        }

        return v;
    }

    /// <summary>
    /// The sentinel's one-coordinate s: its score is sign * s (its other coordinates are 0), so
    /// s = (t + 1) - sign * offset places it at sign (t + 1) - offset.
    /// </summary>
    internal static double SentinelOne(double t, int sign, double offset) => (t + 1) - (sign * offset);

    /// <summary>phi1 = g doc(x) + (1 - g) tau, g = clamp(2 - kind, 0, 1): continuous in every raw coordinate.</summary>
    internal static RowMapFunction PhiOne(TaggedLayout layout, int l, int n, bool cosine, double sentinelOne, PositionCode? code) => (x, y) =>
    {
        double g = TransformerConstructions.Flag(x[l]);
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
        y[layout.One] = g + ((1 - g) * sentinelOne);
        y[layout.Doc] = g;
        if (layout.ColourA >= 0)
        {
            y[layout.ColourA] = g * (1 - colour);
            y[layout.ColourB] = g * colour;
        }

        if (code is null)
        {
            for (int p = 0; p < layout.PositionCount; p++) y[layout.Position + p] = g * Math.Max(0, 1 - Math.Abs(position - p));
        }
        else if (g > 0)
        {
            // Piecewise-linear in p between the codewords of the neighbouring integers: continuous, c_p at integer p.
            var block = y.Slice(layout.Position, code.Length);
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

        if (layout.Index >= 0) y[layout.Index] = g * position / n;
    };
}
