// Lemma B.5 (corrected form, paper.md 4.2.6): bichromatic Max-IP_{n,l} reduces to bichromatic MSD_{n,3l}.
//
// Statement. With |x| = ||x||_1, a' = (a, 1^{l-|a|}, 0^{l+|a|}) and b' = (b, 0^{l+|b|}, 1^{l-|b|}) in {0,1}^{3l}
//   have exactly l ones each and <a', b'> = <a, b>, so cos(a', b') = <a, b> / l for every (a, b) in A x B. Maximum
//   cosine pairs are maximum inner-product pairs; Max-IP_t becomes MSD_{t/l}; a gamma-approximation stays one;
//   an additive instance (alpha, gap g) becomes (alpha/l, g/l) (see AdditiveToMsd).
// Construction. Pad every row as above (A rows put their ones block first, B rows last; a's ones lie at
//   l+1..2l-|a|, inside b''s zero block l+1..2l+|b|, and b''s ones start at 2l+|b|+1, inside a''s zero block).
//   Ask the same mode of MSD on (A', B'); the pair maps back unchanged.
// Size. One call, same |A| and |B|, dimension 3l; O(n l) to build.
// Why only bichromatic. Two rows of A share the 1^{l-|a|} block region, so same-colour cosines are not controlled;
//   the test MonochromaticPadding_BreaksSameColourPairs shows it.
// References. Alman & Yu, Lemma B.5 (HEAD blueprint form; the first transcription had the blocks wrong);
//   Theorem 1.3 composes it with Lemma A.13 (see OvToBichromaticMsd).
using System.Numerics;
using System.Runtime.CompilerServices;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Lemma B.5: equal-weight padding to dimension 3l turns bichromatic Max-IP into bichromatic MSD.</summary>
public sealed class BichromaticMaxIpToBichromaticMsd : ISimilarityReduction
{
    // A.13 asks many queries that share the same class sets; pad each set once per side.
    private readonly ConditionalWeakTable<BinaryVectors, BinaryVectors> _paddedA = new();
    private readonly ConditionalWeakTable<BinaryVectors, BinaryVectors> _paddedB = new();

    /// <inheritdoc/>
    public string Name => "B.5 BMax-IP->BMSD";

    /// <inheritdoc/>
    public string Reference => "Lemma B.5";

    /// <inheritdoc/>
    /// <remarks>One call, same |A| and |B|, dimension 3l.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new(1, shape.Rows, 3L * shape.Dimensions);

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) =>
        instance is { IsBichromatic: true, IsBinary: true } && problem.Kind == ProblemKind.MaxIp;

    /// <summary>a' = (a, 1^{l-|a|}, 0^{l+|a|}) for every row (the A side).</summary>
    public static BinaryVectors PadA(BinaryVectors a)
    {
        int l = a.Dimensions;
        var builder = new BinaryVectors.Builder(a.Count, 3 * l);
        int copy = (l + 63) / 64;
        for (int i = 0; i < a.Count; i++)
        {
            a.Row(i)[..copy].CopyTo(builder.RowSpan(i));
            for (int k = l; k < 2 * l - a.Weight(i); k++) builder.Set(i, k);
        }

        return builder.Build();
    }

    /// <summary>b' = (b, 0^{l+|b|}, 1^{l-|b|}) for every row (the B side).</summary>
    public static BinaryVectors PadB(BinaryVectors b)
    {
        int l = b.Dimensions;
        var builder = new BinaryVectors.Builder(b.Count, 3 * l);
        int copy = (l + 63) / 64;
        for (int j = 0; j < b.Count; j++)
        {
            b.Row(j)[..copy].CopyTo(builder.RowSpan(j));
            for (int k = 2 * l + b.Weight(j); k < 3 * l; k++) builder.Set(j, k);
        }

        return builder.Build();
    }

    /// <summary>The MSD problem that answers <paramref name="maxIp"/> after padding dimension <paramref name="l"/> rows.</summary>
    public static Problem TargetProblem(Problem maxIp, int l) => maxIp.Mode switch
    {
        ProblemMode.Exact => Problem.Exact(ProblemKind.Msd),
        ProblemMode.Gamma => Problem.Approximate(ProblemKind.Msd, maxIp.Gamma!.Value),
        _ => Problem.WithThreshold(ProblemKind.Msd, new Rational(maxIp.Threshold!.Value.Numerator, maxIp.Threshold.Value.Denominator * l)),
    };

    /// <summary>
    /// The additive transfer of Lemma B.5: an additive Max-IP instance (threshold alpha, gap g) is the additive MSD
    /// instance (alpha/l, g/l) after padding; with g = log n this is the (log n / l)-Additive-MSD of the lemma.
    /// </summary>
    public static (Rational Alpha, Rational Gap) AdditiveToMsd(BigInteger alpha, BigInteger gap, int l) =>
        (new Rational(alpha, l), new Rational(gap, l));

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} reduces bichromatic binary Max-IP, not {problem} on this instance", nameof(problem));
        instance.Validate(problem);
        var a = (BinaryVectors)instance.A;
        var b = (BinaryVectors)instance.B!;
        int l = a.Dimensions;
        var target = TargetProblem(problem, l);
        return new Reduction<Answer>(
            1,
            _ => new SimilarityQuery(SimilarityInstance.Bichromatic(_paddedA.GetValue(a, PadA), _paddedB.GetValue(b, PadB)), target),
            ask =>
            {
                var answer = ask(0);
                if (!answer.HasPair) return Answer.No(problem);
                var score = VectorOps.Score(ProblemKind.MaxIp, a, answer.I, b, answer.J);
                if (answer.Score.IsExact && (answer.Score.InnerProduct != score.InnerProduct || answer.Score.WeightI != l || answer.Score.WeightJ != l))
                {
                    throw new InvalidOperationException($"padded pair ({answer.I}, {answer.J}) scores {answer.Score}; padding promises ip {score.InnerProduct} and weights {l}, {l}");
                }

                return answer.Found ? Answer.Pair(problem, answer.I, answer.J, score) : Answer.No(problem);
            });
    }
}
