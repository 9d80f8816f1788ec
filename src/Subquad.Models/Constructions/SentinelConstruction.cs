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

    /// <summary>Same-colour and self penalty C in score units (Corrected only; 0 when unused).</summary>
    public double Penalty { get; init; }

    /// <summary>The sentinel's offset below the threshold score (Corrected: delta0/2), in score units.</summary>
    public double SentinelOffset { get; init; }

    /// <summary>Tie-break slope eta over positions (search only), in score units.</summary>
    public double TieBreak { get; init; }

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
