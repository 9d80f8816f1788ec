// Lemma A.4, mono -> bi: OV_{n,l} reduces to bichromatic OV_{n,l}.
//
// Statement. Given v_1..v_n in {0,1}^l (n >= 2), some i != j has <v_i, v_j> = 0 iff either some v_i = 0, or the
//   bichromatic instance A = B = V has an orthogonal pair (a, b).
// Construction. A zero vector answers yes at once (it is orthogonal to every other row). Otherwise ask bichromatic
//   OV on (V, V). A returned pair (a, b) has a != b: the self-pair <v_a, v_a> = ||v_a||_1 > 0 cannot be orthogonal.
// Size. One call, |A| = |B| = n, dimension l; O(n l) extra time (the zero scan).
// References. Alman & Yu, Lemma A.4; paper.md 4.2.3.
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Lemma A.4 (mono to bi): OV on V as bichromatic OV on (V, V), after the zero-vector check.</summary>
public sealed class OvToBichromaticOv : ISimilarityReduction
{
    /// <summary>The reduction (stateless).</summary>
    public static OvToBichromaticOv Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "A.4 mono->bi";

    /// <inheritdoc/>
    public string Reference => "Lemma A.4";

    /// <inheritdoc/>
    /// <remarks>One call on (V, V): 2n rows, dimension l.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new(1, 2 * shape.Rows, shape.Dimensions);

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) =>
        instance is { IsBichromatic: false, IsBinary: true } && problem.Kind == ProblemKind.Ov;

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} reduces monochromatic binary OV, not {problem} on this instance", nameof(problem));
        instance.Validate(problem);
        var v = (BinaryVectors)instance.A;
        if (VectorOps.ZeroRowAnswer(instance, problem) is { } zero) return zero;

        var bichromatic = SimilarityInstance.Bichromatic(v, v);
        return new Reduction<Answer>(
            1,
            _ => new SimilarityQuery(bichromatic, Problem.OrthogonalVectors),
            ask =>
            {
                var answer = ask(0);
                if (!answer.Found) return Answer.No(problem);
                if (answer.I == answer.J) throw new InvalidOperationException($"the solver below returned the self-pair ({answer.I}, {answer.J}) of a nonzero row as orthogonal");
                return VectorOps.OvYes(problem, instance, answer.I, answer.J);
            });
    }
}
