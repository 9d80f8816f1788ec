using Subquad.Core.Problems;
using Subquad.Core.Vectors;
using Subquad.Hardness.Generators;
using Subquad.Hardness.Reductions;

namespace Subquad.Lab.Families;

/// <summary>
/// SAT-derived OV instances: a random 3-SAT formula at clause ratio 4.26 (the satisfiability threshold, where about
/// half the formulas are satisfiable) with N variables, mapped by split and list (Williams 2005) to bichromatic OV
/// with 2^(N/2) vectors per side in dimension m = clauses. The family fixes its own l; for a monochromatic problem
/// the two sides are joined by Lemma A.4 (colour bits (1,0) and (0,1)), so n = 2 * 2^(N/2). Only OV-like problems
/// (OV, LSD_0, Min-IP_0), since the formula's answer is an orthogonal pair.
/// </summary>
/// <remarks>
/// Weights are equalised: a split-and-list row's weight is the number of clauses its half-assignment leaves
/// unsatisfied, so yes-instances have lighter rows (the lightest-row detector scored 0.58 [0.54, 0.62] before). Each
/// row is padded to weight m (the number of clauses, the most any row can have) with ones in padding columns of its own side (A's padding and B's padding are
/// disjoint), which changes no A x B inner product; same-side pairs are kept apart by the colour bits as before.
/// </remarks>
public sealed class SatFamily : IInstanceFamily
{
    /// <summary>The clause-to-variable ratio of the generated formulas.</summary>
    public const double ClauseRatio = 4.26;

    /// <inheritdoc/>
    public string Name => "sat";

    /// <inheritdoc/>
    public SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed)
    {
        bool ovLike = problem.Kind == ProblemKind.Ov
            || (problem.Kind is ProblemKind.Lsd or ProblemKind.MinIp && problem.Threshold is { } t && t.Numerator.IsZero);
        if (!ovLike) throw new NotSupportedException($"the SAT family is defined for OV-like problems (OV, LSD_0, Min-IP_0), not {problem}");

        // 2^(N/2) rows per side: N = 2 log2(rows per side), rows per side = n/2 (both colours count towards n).
        int perSide = Math.Max(2, count / 2);
        int half = Math.Max(1, (int)Math.Round(Math.Log2(perSide)));
        int variables = 2 * half;
        int clauses = Math.Max(1, (int)Math.Round(ClauseRatio * variables));
        var formula = RandomKSat.Generate(variables, clauses, 3, seed);
        var ov = CnfSatToOrthogonalVectors.Reduce(formula).Query(0).Instance;
        var a = (BinaryVectors)ov.A;
        var b = (BinaryVectors)ov.Right;
        int l = a.Dimensions;
        // Pad to the largest possible weight, m = l clauses, in blocks of m columns per side: the weight and the width
        // are then the same for every instance of this size, so neither says anything about the answer.
        int heaviest = l, padA = l, padB = l;
        var random = new Random(unchecked(seed * 7919) + 17);

        // Row r of side s: its clause bits, then (monochromatic) its colour bit, then padding to the common weight in
        // the side's own padding block, at random positions within it.
        BinaryVectors.Builder Side(BinaryVectors side, int count, int width, int padStart, int padWidth, int colourBit, BinaryVectors.Builder? shared, int offset)
        {
            var builder = shared ?? new BinaryVectors.Builder(count, width);
            for (int i = 0; i < count; i++)
            {
                side.Row(i).CopyTo(builder.RowSpan(offset + i));
                if (colourBit >= 0) builder.Set(offset + i, colourBit);
                int need = heaviest - side.Weight(i);
                var slots = Enumerable.Range(padStart, padWidth).ToArray();
                random.Shuffle(slots);
                for (int k = 0; k < need; k++) builder.Set(offset + i, slots[k]);
            }

            return builder;
        }

        int width = l + padA + padB;
        var sideA = Side(a, a.Count, width, l, padA, -1, null, 0).Build();
        var sideB = Side(b, b.Count, width, l + padA, padB, -1, null, 0).Build();
        var padded = SimilarityInstance.Bichromatic(sideA, sideB);
        if (bichromatic) return padded;

        // Lemma A.4, bichromatic to monochromatic: one colour bit per side, so same-colour pairs are never orthogonal
        // and every row keeps the common weight (l + 1).
        return BichromaticOvToOv.Instance.Reduce(padded, Problem.OrthogonalVectors).Query(0).Instance;
    }
}
