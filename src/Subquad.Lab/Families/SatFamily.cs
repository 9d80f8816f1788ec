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
        if (bichromatic) return ov;

        // Lemma A.4, bichromatic to monochromatic: colour bits (1,0) and (0,1), so same-colour pairs are never orthogonal.
        return BichromaticOvToOv.Instance.Reduce(ov, Problem.OrthogonalVectors).Query(0).Instance;
    }
}
