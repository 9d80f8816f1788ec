// Lemma (Min-IP >= OV; unnumbered in the blueprint): for every gamma >= 1, Min-IP_{n,l} and gamma-Min-IP_{n,l} are at
// least as hard as OV_{n,l}.
//
// Statement. min_{i != j} <v_i, v_j> = 0 iff some pair is orthogonal. A multiplicative gamma-approximation of a
//   minimum 0 is 0 (min <= value <= gamma min = 0), and if no pair is orthogonal every inner product is >= 1, so the
//   returned pair is not orthogonal. The threshold form is Min-IP_t with t = 0, which is OV verbatim.
// Construction. Ask gamma-Min-IP (or Min-IP_0) on the same vectors, mono or bichromatic; answer yes iff the returned
//   pair has inner product 0. Zero vectors need no special case (unlike the cosine route of Thm 3.1: a zero vector
//   has inner product 0 with every other row, which is exactly OV's answer).
// Size. One call, same n and l, no preprocessing.
// References. Alman & Yu, Section 3 / Appendix A ("Min-IP is at least as hard as OV"); paper.md 3.2.
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>"Min-IP is at least as hard as OV": OV (mono or bichromatic) by one gamma-Min-IP call or one Min-IP_0 call.</summary>
public sealed class OvToMinIp : ISimilarityReduction
{
    private readonly Problem _target;

    private OvToMinIp(Problem target) => _target = target;

    /// <summary>Through gamma-Min-IP; gamma = 1 asks exact Min-IP.</summary>
    public static OvToMinIp Gamma(Rational gamma) => new(Problem.Approximate(ProblemKind.MinIp, gamma));

    /// <summary>Through Min-IP_t with t = 0.</summary>
    public static OvToMinIp ThresholdZero { get; } = new(Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(0)));

    /// <summary>The Min-IP problem asked.</summary>
    public Problem Target => _target;

    /// <inheritdoc/>
    public string Name => $"Min-IP>=OV OV->{_target}";

    /// <inheritdoc/>
    public string Reference => "Lemma (Min-IP is at least as hard as OV)";

    /// <inheritdoc/>
    /// <remarks>The header's Size: one call on the same vectors.</remarks>
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
                    throw new InvalidOperationException($"Min-IP_0 answered {(answer.Found ? "yes" : "no")} with pair ({answer.I}, {answer.J}), which is {(orthogonal ? "" : "not ")}orthogonal");
                }

                return orthogonal ? VectorOps.OvYes(problem, instance, answer.I, answer.J) : Answer.No(problem);
            });
    }
}
