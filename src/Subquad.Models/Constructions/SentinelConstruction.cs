using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;

namespace Subquad.Models.Constructions;

/// <summary>
/// One of the paper's one-head transformers (Thm 4.1, C.1, C.2) or its correction, fixed for a shape (n, l) and a
/// threshold: the raw encoding with its sentinel row, phi1, Q, K, V, and phi2. Build it with
/// <see cref="TransformerConstructions.Create(Problem, InstanceShape, ConstructionOptions?)"/>.
/// </summary>
/// <remarks>
/// Common recipe (paper.md 4.3): scores s_ij = x_i^T M x_j with M = Q K^T; every document has value &gt;= 1, the
/// sentinel value 0; phi2 = Lemma D.1 over rows 1..n: 1 - prod_i (1 - clamp((o_i - a) / (b - a), 0, 1)).
/// Yes: the best-scoring document of a witness row scores at least the sentinel, so it holds at least 1/(n+1) of
/// the weight and o_i &gt;= b = 1/(n+1). No: every document scores at most the sentinel minus lambda*delta, so
/// o_i &lt;= n v_max e^(-lambda delta) &lt; a once lambda &gt;= ln(4 n (n+1) v_max) / delta. Tests check both
/// directions against the oracle on thousands of instances.
/// </remarks>
public sealed class SentinelConstruction
{
    internal SentinelConstruction() { }

    /// <summary>The problem decided (a threshold problem, or OV).</summary>
    public required Problem Problem { get; init; }

    /// <summary>Shape the parameters were chosen for.</summary>
    public required InstanceShape Shape { get; init; }

    /// <summary>The theorem it implements ("Thm 4.1", "Thm C.1", "Thm C.2") and its variant.</summary>
    public required string Theorem { get; init; }

    /// <summary>Corrected or as written.</summary>
    public required ConstructionVariant Variant { get; init; }

    /// <summary>Robust or Paper scale.</summary>
    public required ConstructionScale Scale { get; init; }

    /// <summary>True when the pair-decoding columns are present.</summary>
    public required bool Search { get; init; }

    /// <summary>The threshold in score units (t for Max-IP/Min-IP/MSD/LSD, 0 for OV), float64.</summary>
    public required double ThresholdValue { get; init; }

    /// <summary>delta0: the gap between the threshold and the nearest achievable non-witness score (1 or Delta(t)).</summary>
    public required double Gap { get; init; }

    /// <summary>+1 for "max" problems (M = +lambda ...), -1 for "min" problems and OV.</summary>
    public required int Sign { get; init; }

    /// <summary>lambda, the score scale.</summary>
    public required double Lambda { get; init; }

    /// <summary>v_max: the largest document value.</summary>
    public required double MaxValue { get; init; }

    /// <summary>phi2's lower threshold a (no-instances stay below).</summary>
    public required double PhiTwoLow { get; init; }

    /// <summary>phi2's upper threshold b = 1/(n+1) (a witness row reaches it).</summary>
    public required double PhiTwoHigh { get; init; }

    /// <summary>The closed form of phi1.</summary>
    public required PhiOneForm Form { get; init; }

    /// <summary>phi1, d -&gt; d_in.</summary>
    public required RowMap Phi1 { get; init; }

    /// <summary>The raw sentinel row s (length d), appended after the documents.</summary>
    public required double[] RawSentinel { get; init; }

    /// <summary>The attention unit's weights.</summary>
    public required AttentionWeights Weights { get; init; }

    /// <summary>The tagged layout (Corrected only), else null.</summary>
    public TaggedLayout? Layout { get; init; }

    /// <summary>
    /// The position code of the monochromatic self-suppression (Corrected, "max" problems, not Search), or null when
    /// the position block is the one-hot e_p of n columns (the reference; also chosen when no code is shorter).
    /// </summary>
    public PositionCode? Code { get; init; }

    /// <summary>Same-colour and self penalty C in score units (Corrected only; 0 when unused).</summary>
    public double Penalty { get; init; }

    /// <summary>The sentinel's offset below the threshold score (Corrected: delta0/2), in score units.</summary>
    public double SentinelOffset { get; init; }

    /// <summary>Tie-break slope eta over positions (search only), in score units.</summary>
    public double TieBreak { get; init; }

    /// <summary>
    /// delta: every non-witness document scores at most the sentinel's score minus lambda * delta (as written: the gap;
    /// corrected: half the spacing of achievable values at t, the sentinel sitting at the midpoint).
    /// </summary>
    public double Margin { get; init; }

    /// <summary>
    /// S: an upper bound on sum_c |x_i[c]| |M[c, c']| |x_j[c']| over all document/sentinel rows (M = Q K^T / lambda),
    /// so every score and every partial sum of it is at most lambda S in magnitude.
    /// </summary>
    public double ScoreMagnitude { get; init; }

    /// <summary>The no-case bound on a row's output, n v_max e^(-lambda delta) (paper.md 4.3, generic argument).</summary>
    public double NoCaseBound => Documents * MaxValue * Math.Exp(-Lambda * Margin);

    /// <summary>
    /// True when the no-case bound is at most a/2: the separation the robust scale guarantees by construction, and
    /// what the paper scale (lambda = 3 ln n) must also give before it is run (issue 13: the corrected variant's
    /// midpoint sentinel halves delta, so the paper's lambda never suffices for it).
    /// </summary>
    public bool PaperBoundHolds => 2 * NoCaseBound <= PhiTwoLow;

    /// <summary>
    /// Forward error budget (why the decision survives rounding): with unit roundoff u, every computed score is
    /// within E = lambda S (m + 8) u / (1 - (m + 8) u) of its exact value (a dot product of m terms, gamma_m, on
    /// inputs and weights each rounded once, phi1's normalisation and the in-graph lambda a few u more), and the
    /// exp, the two row sums over n + 1 keys and the division add a relative 2 (n + 2) u. The no case has a factor
    /// 2 of slack (n v_max e^(-lambda delta) &lt;= a/2) and the yes case far more (a witness row has o_i &gt;= 1/2
    /// against b = 1/(n+1)), so 2 E + 2 (n + 2) u &lt;= ln(2)/2 keeps both. Also every score fits the format's range.
    /// </summary>
    public bool IsDecidableWith(int significandBits, double maxFinite)
    {
        double u = Math.ScaleB(1.0, -significandBits);
        double terms = EmbeddingDimension + 8;
        if (terms * u >= 0.5) return false;
        double scoreError = Lambda * ScoreMagnitude * terms * u / (1 - (terms * u));
        double budget = (2 * scoreError) + (2 * (Documents + 2) * u);
        return double.IsFinite(Lambda) && budget <= Math.Log(2) / 2 && Lambda * ScoreMagnitude * 2 < maxFinite;
    }

    /// <summary>
    /// The fewest significand bits (including the implicit one) for which <see cref="IsDecidableWith"/> holds with a
    /// float64-sized exponent range, or null when lambda is not finite.
    /// </summary>
    public int? RequiredSignificandBits
    {
        get
        {
            if (!double.IsFinite(Lambda) || !double.IsFinite(ScoreMagnitude)) return null;
            for (int bits = 2; bits <= 1024; bits++)
            {
                if (IsDecidableWith(bits, double.MaxValue)) return bits;
            }

            return null;
        }
    }

    /// <summary>Refuses, before anything runs, a precision that cannot represent this decision at this lambda.</summary>
    /// <exception cref="PrecisionRefusedException">The format's significand or range is too small.</exception>
    public void EnsurePrecision(Precision.FloatFormat format)
    {
        double maxFinite = format switch
        {
            Precision.FloatFormat.Float64 => double.MaxValue,
            Precision.FloatFormat.Float32 => float.MaxValue,
            Precision.FloatFormat.Float16 => 65504,
            _ => 3.3895313892515355e38,
        };
        if (IsDecidableWith(Precision.FloatFormats.SignificandBits(format), maxFinite)) return;
        int? needed = RequiredSignificandBits;
        string need = needed is null ? "no finite precision (lambda is not finite)" : $"{needed} significand bits ({NeededFormat(needed.Value)})";
        throw new PrecisionRefusedException(format, needed, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Precision.FloatFormats.CliName(format)} ({Precision.FloatFormats.SignificandBits(format)} significand bits) cannot represent this decision at lambda = {Lambda:G4} (score magnitude {Lambda * ScoreMagnitude:G4}, margin lambda delta = {Lambda * Margin:G4}, m = {EmbeddingDimension}, n = {Documents}): it needs {need}"));
    }

    private static string NeededFormat(int bits) => bits switch
    {
        <= 8 => "bf16 or wider",
        <= 11 => "f16, f32 or f64",
        <= 24 => "f32 or f64",
        <= 53 => "f64",
        _ => "more than f64 offers",
    };

    /// <summary>Output column read by phi2 (the document value).</summary>
    public int DecisionColumn => 0;

    /// <summary>Output column holding the document mass (search only), else -1.</summary>
    public int MassColumn => Search ? 1 : -1;

    /// <summary>Output column holding the mass-weighted position (search only), else -1.</summary>
    public int IndexColumn => Search ? 2 : -1;

    /// <summary>d: raw token width.</summary>
    public int RawWidth => Phi1.InputWidth;

    /// <summary>d_in.</summary>
    public int InputWidth => Weights.InputWidth;

    /// <summary>m.</summary>
    public int EmbeddingDimension => Weights.EmbeddingDimension;

    /// <summary>d_out.</summary>
    public int OutputWidth => Weights.OutputWidth;

    /// <summary>n, the document rows phi2 reads.</summary>
    public int Documents => Shape.Documents;

    /// <summary>One-line description with the model sizes.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"{Theorem} {Variant} {Scale}: d = {RawWidth}, d_in = {InputWidth}, m = {EmbeddingDimension}, d_out = {OutputWidth}, lambda = {Lambda:G6}, a = {PhiTwoLow:G4}, b = {PhiTwoHigh:G4}");

    /// <summary>The raw input E: the n document rows in this construction's encoding, then the sentinel row.</summary>
    /// <exception cref="ArgumentException">The instance does not have this construction's shape, or is not binary.</exception>
    public Matrix EncodeRaw(SimilarityInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (InstanceShape.Of(instance) != Shape) throw new ArgumentException($"instance shape {InstanceShape.Of(instance)} differs from the construction's {Shape}", nameof(instance));
        if (!instance.IsBinary) throw new ArgumentException("the paper's constructions take binary vectors", nameof(instance));
        int n = Documents, l = Shape.Dimensions;
        var raw = new Matrix(n + 1, RawWidth);
        int row = 0;
        foreach (var (set, kind) in instance.B is null ? [(instance.A, 0)] : new[] { (instance.A, 0), (instance.B, 1) })
        {
            var bits = (BinaryVectors)set;
            for (int i = 0; i < bits.Count; i++, row++)
            {
                var words = bits.Row(i);
                var target = raw.Row(row);
                for (int k = 0; k < l; k++) target[k] = (words[k >> 6] >> (k & 63)) & 1UL;
                if (Form == PhiOneForm.Tagged)
                {
                    target[l] = kind;
                    target[l + 1] = row;
                }
            }
        }

        RawSentinel.CopyTo(raw.Row(n));
        return raw;
    }

    /// <summary>
    /// X = phi1(E) for the instance, with weights, n and phi2: the input any <see cref="IAttentionMixer"/> can run on.
    /// </summary>
    public ConstructedInput Build(SimilarityInstance instance) => new(Phi1.Apply(EncodeRaw(instance)), Weights, Documents, Phi2);

    /// <summary>The transformer of Def 2.3 (phi1, attention, phi2) this construction defines.</summary>
    public Transformer ToTransformer() => new(Phi1, Weights, Phi2);

    /// <summary>Lemma D.1 over output rows 0..n-1 (the sentinel row n is excluded, paper.md 1.5).</summary>
    public double Phi2(Matrix output)
    {
        ArgumentNullException.ThrowIfNull(output);
        double none = 1;
        for (int i = 0; i < Documents; i++) none *= 1 - RowIndicator(output[i, DecisionColumn]);
        return 1 - none;
    }

    /// <summary>g_{a,b}(y) = clamp((y - a) / (b - a), 0, 1): 1 on witness rows, 0 on rows without one.</summary>
    public double RowIndicator(double y) => Math.Clamp((y - PhiTwoLow) / (PhiTwoHigh - PhiTwoLow), 0, 1);

    /// <summary>The decision phi2 = 1 reads as yes (phi2 &gt;= 1/2; on valid inputs it is exactly 0 or 1).</summary>
    public bool Decide(Matrix output) => Phi2(output) >= 0.5;

    /// <summary>Builds, runs <paramref name="mixer"/> and decides.</summary>
    public bool Decide(SimilarityInstance instance, IAttentionMixer mixer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixer);
        var input = Build(instance);
        return Decide(mixer.Forward(input.X, input.Weights, cancellationToken));
    }

    /// <summary>
    /// Search variant: the pair (i, j) read from the output, or null when no row has a witness. i = the first row
    /// (of A when bichromatic) whose indicator is 1; j = round(index column / mass column) of that row, the position
    /// of its dominant partner (the best-scoring, then smallest-position witness; see <see cref="PairSearch"/>).
    /// j is returned as an index into B for bichromatic instances.
    /// </summary>
    /// <exception cref="InvalidOperationException">The construction has no search columns.</exception>
    public (int I, int J)? DecodePair(Matrix output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Search) throw new InvalidOperationException("this construction was built without Search = true");
        for (int i = 0; i < Shape.CountA; i++)
        {
            if (RowIndicator(output[i, DecisionColumn]) < 0.5) continue;
            double position = output[i, IndexColumn] / output[i, MassColumn];
            int j = (int)Math.Round(position, MidpointRounding.AwayFromZero);
            return (i, Shape.IsBichromatic ? j - Shape.CountA : j);
        }

        return null;
    }
}
