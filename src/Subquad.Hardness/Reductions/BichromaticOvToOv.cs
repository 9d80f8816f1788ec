// Lemma A.4, bi -> mono: bichromatic OV_{n,l} reduces to OV_{2n,l+2}.
//
// Statement. (A, B) has an orthogonal pair (a, b) in A x B iff the 2n vectors a'_i = (a_i, 1, 0), b'_j = (b_j, 0, 1)
//   in {0,1}^{l+2} have an orthogonal pair.
// Construction. Append the colour flags. Same-colour pairs share a flag, so their inner product is >= 1; across
//   colours <a'_i, b'_j> = <a_i, b_j>. A mono witness (p, q), p < q, is therefore (a_p, b_{q-|A|}).
// Size. One call on |A| + |B| rows of dimension l + 2; O(n l) time to build.
// References. Alman & Yu, Lemma A.4; paper.md 4.2.3. Halves may differ in size (|A| != |B| is accepted).
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Lemma A.4 (bi to mono): colour flags (1,0) on A and (0,1) on B, then monochromatic OV on A' u B'.</summary>
public sealed class BichromaticOvToOv : ISimilarityReduction
{
    /// <summary>The reduction (stateless).</summary>
    public static BichromaticOvToOv Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "A.4 bi->mono";

    /// <inheritdoc/>
    public string Reference => "Lemma A.4";

    /// <inheritdoc/>
    /// <remarks>One call on |A| + |B| rows of dimension l + 2.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new(1, shape.Rows, shape.Dimensions + 2);

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) =>
        instance is { IsBichromatic: true, IsBinary: true } && problem.Kind == ProblemKind.Ov;

    /// <summary>The flagged union A' u B' (rows of A first), dimension l + 2.</summary>
    public static BinaryVectors Flagged(BinaryVectors a, BinaryVectors b)
    {
        int l = a.Dimensions;
        return VectorOps.Concat(VectorOps.WithColumns(a, l + 2, l), VectorOps.WithColumns(b, l + 2, l + 1));
    }

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} reduces bichromatic binary OV, not {problem} on this instance", nameof(problem));
        instance.Validate(problem);
        var a = (BinaryVectors)instance.A;
        var b = (BinaryVectors)instance.B!;
        return new Reduction<Answer>(
            1,
            _ => new SimilarityQuery(SimilarityInstance.Monochromatic(Flagged(a, b)), Problem.OrthogonalVectors),
            ask =>
            {
                var answer = ask(0);
                if (!answer.Found) return Answer.No(problem);
                if (answer.I >= a.Count || answer.J < a.Count)
                {
                    throw new InvalidOperationException($"the solver below returned same-colour pair ({answer.I}, {answer.J}) as orthogonal; flags make that impossible");
                }

                return VectorOps.OvYes(problem, instance, answer.I, answer.J - a.Count);
            });
    }
}
