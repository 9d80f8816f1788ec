// Lemmas A.8 and A.12: a monochromatic problem reduces to n - 1 bichromatic calls by recursive halving.
//
// Statement. An O(n^{2-eps} poly l) algorithm for bichromatic (gamma-, threshold-) Min-IP (A.8) or Max-IP (A.12)
//   gives one for the monochromatic problem. The same halving works for OV, MSD and LSD: it only relies on every
//   unordered pair being a cross pair of exactly one call.
// Construction. Split the index range [L..R] at M = L + floor((R - L) / 2); ask the bichromatic problem on
//   ([L..M], [M+1..R]); recurse on both halves (ranges of one row stop). Combine: OR for decisions (stop at the
//   first yes), the best score for exact and gamma problems. Exact ties go to the smallest (i, j), which each call
//   returns for its own pairs in the same order, so the combined answer is the oracle's answer. A gamma answer is
//   the best of the calls' approximations; the call holding the optimal pair returned a gamma-approximation of it,
//   and the best is at least as good.
// Size. n - 1 calls; a range of c rows splits into ceil(c/2) + floor(c/2) rows (odd c: |A| = |B| + 1); level d has 2^d calls on ~n/2^{d+1} rows a side, O(n log n l) copying in total.
// References. Alman & Yu, Lemmas A.8, A.12; Cor 3.2 / 3.4 (bichromatic <=> monochromatic); paper.md 4.2.4.
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Lemmas A.8 / A.12: a monochromatic problem by recursive halving into bichromatic calls.</summary>
public sealed class MonochromaticByHalving : ISimilarityReduction
{
    /// <summary>The reduction (stateless).</summary>
    public static MonochromaticByHalving Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "A.8/A.12 halving";

    /// <inheritdoc/>
    public string Reference => "Lemmas A.8, A.12";

    /// <inheritdoc/>
    /// <remarks>n - 1 calls, each on at most n rows (the two halves of a range), dimension l.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new(Math.Max(0, shape.Rows - 1), shape.Rows, shape.Dimensions);

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) => instance is { IsBichromatic: false, IsBinary: true };

    /// <summary>The calls as (L, M, R) ranges in the order they are asked (parent before children).</summary>
    public static IReadOnlyList<(int L, int M, int R)> Calls(int n)
    {
        var calls = new List<(int, int, int)>(Math.Max(0, n - 1));
        var stack = new Stack<(int L, int R)>();
        stack.Push((0, n - 1));
        while (stack.Count > 0)
        {
            var (l, r) = stack.Pop();
            if (r <= l) continue;
            int m = l + (r - l) / 2;
            calls.Add((l, m, r));
            stack.Push((m + 1, r));
            stack.Push((l, m));
        }

        return calls;
    }

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} reduce a monochromatic binary problem", nameof(problem));
        instance.Validate(problem);
        var v = (BinaryVectors)instance.A;
        var calls = Calls(v.Count);
        return new Reduction<Answer>(
            calls.Count,
            q =>
            {
                var (l, m, r) = calls[q];
                return new SimilarityQuery(SimilarityInstance.Bichromatic(VectorOps.Range(v, l, m - l + 1), VectorOps.Range(v, m + 1, r - m)), problem);
            },
            ask =>
            {
                Answer? best = null;
                for (int q = 0; q < calls.Count; q++)
                {
                    var (l, m, _) = calls[q];
                    var answer = ask(q);
                    if (!answer.HasPair) continue;
                    var global = answer with { I = l + answer.I, J = m + 1 + answer.J };
                    if (problem.IsDecision) return global;
                    if (best is null || ScoreOrder.Better(problem.Kind, global.Score, best.Score)
                        || (ScoreOrder.CompareValues(problem.Kind, global.Score, best.Score) == 0 && (global.I, global.J).CompareTo((best.I, best.J)) < 0))
                    {
                        best = global;
                    }
                }

                return best ?? Answer.No(problem);
            });
    }
}
