// Theorem 3.1 and Corollary 3.2: OV_{n,l} reduces to gamma-LSD_{n,l} for every gamma >= 1, and to LSD_{n,l,0}.
//
// Statement. For nonzero v_1..v_n, min cos = 0 iff some pair is orthogonal; a multiplicative gamma-approximation of
//   0 is 0, and if no pair is orthogonal every cosine is positive. So OV is answered by one gamma-LSD call, or by
//   one threshold call LSD_t with t = 0 (the t of Cor 3.2, paper.md 4.2.1 (R)).
// Construction. A zero vector answers yes (n >= 2). Otherwise ask gamma-LSD (or LSD_0) on the same vectors and
//   answer yes iff the returned pair has inner product 0. Bichromatic OV goes the same way to bichromatic
//   gamma-LSD (Cor 3.2, second item): a zero row on either side is orthogonal to every row of the other.
// Size. One call, same n and l; O(n l) for the zero scan.
// References. Alman & Yu, Theorem 3.1, Corollary 3.2; paper.md 4.2.1.
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Thm 3.1 / Cor 3.2: OV (mono or bichromatic) by one gamma-LSD call or one LSD_0 call.</summary>
public sealed class OvToLsd : ISimilarityReduction
{
    private readonly Problem _target;

    private OvToLsd(Problem target) => _target = target;

    /// <summary>Through gamma-LSD (Thm 3.1); gamma = 1 asks exact LSD.</summary>
    public static OvToLsd Gamma(Rational gamma) => new(Problem.Approximate(ProblemKind.Lsd, gamma));

    /// <summary>Through LSD_t with t = 0 (Cor 3.2, threshold form).</summary>
    public static OvToLsd ThresholdZero { get; } = new(Problem.WithThreshold(ProblemKind.Lsd, Rational.FromInteger(0)));

    /// <summary>The LSD problem asked.</summary>
    public Problem Target => _target;

    /// <inheritdoc/>
    public string Name => _target.Mode == ProblemMode.Threshold ? "Cor 3.2 OV->LSD_0" : $"Thm 3.1 OV->{_target}";

    /// <inheritdoc/>
    public string Reference => _target.Mode == ProblemMode.Threshold ? "Corollary 3.2" : "Theorem 3.1";

    /// <inheritdoc/>
    /// <remarks>One call, same n and l.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new(1, shape.Rows, shape.Dimensions);

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) => instance.IsBinary && problem.Kind == ProblemKind.Ov;

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} reduces binary OV, not {problem}", nameof(problem));
        instance.Validate(problem);
        var a = (BinaryVectors)instance.A;
        var b = (BinaryVectors)instance.Right;
        if (VectorOps.ZeroRowAnswer(instance, problem) is { } zero) return zero;

        return new Reduction<Answer>(
            1,
            _ => new SimilarityQuery(instance, _target),
            ask =>
            {
                var answer = ask(0);
                if (!answer.HasPair) return Answer.No(problem);
                bool orthogonal = VectorOps.Score(ProblemKind.Ov, a, answer.I, b, answer.J).InnerProduct == 0;
                if (_target.Mode == ProblemMode.Threshold && answer.Found != orthogonal)
                {
                    throw new InvalidOperationException($"LSD_0 answered {(answer.Found ? "yes" : "no")} with pair ({answer.I}, {answer.J}), which is {(orthogonal ? "" : "not ")}orthogonal");
                }

                return orthogonal ? VectorOps.OvYes(problem, instance, answer.I, answer.J) : Answer.No(problem);
            });
    }
}
