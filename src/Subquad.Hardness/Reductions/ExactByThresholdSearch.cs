// Corollaries 3.2 and 3.4: threshold -> exact, by binary search over the finite set of achievable scores.
//
// Statement. On binary vectors in {0,1}^l a cosine is k / sqrt(a b) with 1 <= a, b <= l and
//   max(0, a + b - l) <= k <= min(a, b): a set C of O(l^3) values (paper.md 2.1). An inner product is an integer
//   in [0, l]. So the exact optimum is the largest c in C with a yes to the threshold problem at c (MSD, Max-IP), or
//   the smallest (LSD, Min-IP); the answers are monotone in c, and binary search needs O(log l) threshold calls.
//   If every threshold were easy the exact problem would be; hence some t is hard (the corollaries' third items).
// Construction. Sort C exactly (integer cross-multiplication of k^2 / (a b)) and deduplicate. Query k is the
//   threshold problem at candidate k; an irrational cosine candidate c is replaced by a dyadic rational t with no
//   achievable value strictly between t and c (below c for MSD, above for LSD; candidates differ by more than
//   1/(2 l^4), and t is within 2^-P, P = 4 bitlength(l) + 4), so MSD_t and MSD_c ask the same question. The first
//   candidate (MSD, Max-IP) or the last (LSD, Min-IP) is a yes without asking. The witness of the threshold call at
//   the optimum is an optimal pair, and the smallest one when the threshold solver returns its first witness (the
//   oracle's contract), so the answer equals the exact oracle's.
// Size. |C| candidate queries, of which ceil(log2 |C|) + 1 are asked; same instance each time.
// References. Alman & Yu, Corollary 3.2, Corollary 3.4; paper.md 2.1 and 4.2.2.
using System.Numerics;
using Subquad.Core.Problems;

namespace Subquad.Hardness.Reductions;

/// <summary>Cor 3.2 / 3.4: exact MSD, LSD, Max-IP or Min-IP through O(log l) threshold calls.</summary>
public sealed class ExactByThresholdSearch : ISimilarityReduction
{
    /// <summary>The reduction (stateless).</summary>
    public static ExactByThresholdSearch Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "Cor 3.2/3.4 threshold search";

    /// <inheritdoc/>
    public string Reference => "Corollaries 3.2, 3.4";

    /// <inheritdoc/>
    /// <remarks>|C| candidate calls (at most (l + 1)^3 cosines, l + 1 inner products) on the same instance.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new((long)(shape.Dimensions + 1) * (shape.Dimensions + 1) * (shape.Dimensions + 1), shape.Rows, shape.Dimensions);

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) =>
        instance.IsBinary && problem.Mode == ProblemMode.Exact && problem.Kind != ProblemKind.Ov;

    /// <summary>
    /// The achievable cosines k / sqrt(a b) on {0,1}^l in increasing order, each as (k^2, a b) with distinct values.
    /// </summary>
    public static IReadOnlyList<(long K2, long Ab)> CosineCandidates(int l)
    {
        var all = new List<(long K2, long Ab)>();
        for (long a = 1; a <= l; a++)
        {
            for (long b = a; b <= l; b++)
            {
                for (long k = Math.Max(0, a + b - l); k <= Math.Min(a, b); k++) all.Add((k * k, a * b));
            }
        }

        // k^2/(ab) compared by cross-multiplication: k^2 <= l^2 and ab <= l^2, so products stay below l^4 < 2^63.
        all.Sort((x, y) => (x.K2 * y.Ab).CompareTo(y.K2 * x.Ab));
        var distinct = new List<(long, long)>(all.Count);
        foreach (var c in all)
        {
            if (distinct.Count == 0 || distinct[^1].Item1 * c.Ab != c.K2 * distinct[^1].Item2) distinct.Add(c);
        }

        return distinct;
    }

    /// <summary>
    /// A rational t equivalent to the cosine sqrt(k2 / ab) as a threshold: floor (<paramref name="roundUp"/> false)
    /// or ceiling of sqrt(k2/ab) to P fractional bits.
    /// </summary>
    public static Rational ThresholdFor(long k2, long ab, int l, bool roundUp)
    {
        int p = 4 * (BitOperations.Log2((uint)l) + 1) + 4;
        var scale = BigInteger.One << (2 * p);
        var numerator = k2 * scale;
        var x = BigInteger.DivRem(numerator, ab, out var remainder);
        if (roundUp && !remainder.IsZero) x += 1;
        var root = IntegerSqrt(x);
        if (roundUp && root * root < x) root += 1;
        return new Rational(root, BigInteger.One << p);
    }

    private static BigInteger IntegerSqrt(BigInteger x)
    {
        if (x.IsZero) return 0;
        var r = (BigInteger)Math.Sqrt((double)x);
        while (r * r > x) r--;
        while ((r + 1) * (r + 1) <= x) r++;
        return r;
    }

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} turn exact binary MSD/LSD/Max-IP/Min-IP into threshold calls, not {problem}", nameof(problem));
        instance.Validate(problem);
        var kind = problem.Kind;
        int l = instance.Dimensions;
        bool maximise = kind.Maximises();
        Func<int, Rational> threshold;
        int count;
        if (kind.IsCosine())
        {
            var candidates = CosineCandidates(l);
            count = candidates.Count;
            threshold = c => ThresholdFor(candidates[c].K2, candidates[c].Ab, l, roundUp: !maximise);
        }
        else
        {
            count = l + 1;
            threshold = c => Rational.FromInteger(c);
        }

        return new Reduction<Answer>(
            count,
            c => new SimilarityQuery(instance, Problem.WithThreshold(kind, threshold(c))),
            ask =>
            {
                // The optimum's candidate index lies in [lo, hi]; the extreme candidate bounds every achievable
                // score, so the search never needs to ask it.
                int lo = 0, hi = count - 1;
                if (maximise)
                {
                    // Largest c with yes: yes on [0, c*], no after.
                    while (lo < hi)
                    {
                        int mid = lo + (hi - lo + 1) / 2;
                        if (ask(mid).Found) lo = mid;
                        else hi = mid - 1;
                    }
                }
                else
                {
                    // Smallest c with yes: no before c*, yes on [c*, count).
                    while (lo < hi)
                    {
                        int mid = lo + (hi - lo) / 2;
                        if (ask(mid).Found) hi = mid;
                        else lo = mid + 1;
                    }
                }

                var witness = ask(lo);
                if (!witness.Found) throw new InvalidOperationException($"threshold call at the extreme candidate {lo} answered no; the solver below is wrong");
                return Answer.Pair(problem, witness.I, witness.J, witness.Score);
            });
    }
}
