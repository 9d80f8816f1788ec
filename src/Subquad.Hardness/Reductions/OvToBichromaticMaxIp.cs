// Lemma A.13: OV_{n,l} reduces to l^2 calls of bichromatic Max-IP_{<=n,l}.
//
// Statement. Let S_w = {v : ||v||_1 = w}. For v in S_i and u in S_j, <v, u-bar> = i - <v, u> <= i, with equality iff
//   <v, u> = 0. So V has an orthogonal pair iff some zero row exists (n >= 2), or for some weights (i, j) the
//   maximum inner product over S_i x S_j-bar equals i.
// Construction. Zero row: yes. Otherwise partition by weight, complement each class once, and ask exact bichromatic
//   Max-IP on (S_i, S_j-bar) for every pair of nonempty classes, in order (i, j) = (1,1), (1,2), ...; stop at the
//   first call whose maximum is i and map its pair back to original indices. Self-pairs (v, v-bar) have inner
//   product 0 != i for i >= 1, so they never cause a false yes; two equal rows in one class are a legitimate pair.
// Size. At most l^2 calls (one per pair of nonempty weight classes); the classes partition V, so the calls cover
//   n^2 ordered pairs in total; dimension l. O(n l) to build.
// References. Alman & Yu, Lemma A.13; paper.md 4.2.5.
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Lemma A.13: OV by exact bichromatic Max-IP on weight classes against complemented weight classes.</summary>
public sealed class OvToBichromaticMaxIp : ISimilarityReduction
{
    /// <summary>The reduction (stateless).</summary>
    public static OvToBichromaticMaxIp Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "A.13 OV->BMax-IP";

    /// <inheritdoc/>
    public string Reference => "Lemma A.13";

    /// <inheritdoc/>
    /// <remarks>At most l^2 calls (pairs of nonempty weight classes 1..l), each on two classes of at most n rows, dimension l.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new((long)shape.Dimensions * shape.Dimensions, 2 * shape.Rows, shape.Dimensions);

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

        // Rows of each nonempty weight class, in index order.
        var byWeight = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < v.Count; i++)
        {
            if (!byWeight.TryGetValue(v.Weight(i), out var rows)) byWeight[v.Weight(i)] = rows = [];
            rows.Add(i);
        }

        var weights = byWeight.Keys.ToArray();
        var classes = new BinaryVectors?[weights.Length];
        var complements = new BinaryVectors?[weights.Length];
        BinaryVectors Class(int c) => classes[c] ??= VectorOps.Rows(v, byWeight[weights[c]]);
        BinaryVectors ComplementClass(int c) => complements[c] ??= VectorOps.Complement(Class(c));
        int k = weights.Length;
        if ((long)k * k > Array.MaxLength)
        {
            // k^2 as an int overflowed here once (k > 46,340 classes): refuse in one line instead.
            throw new Subquad.Core.InputException(v.Source, null, $"has {k} distinct row weights; Lemma A.13 would ask {(long)k * k} Max-IP queries, more than one run can index (use --via ov or lsd)");
        }

        var maxIp = Problem.Exact(ProblemKind.MaxIp);
        return new Reduction<Answer>(
            k * k,
            q => new SimilarityQuery(SimilarityInstance.Bichromatic(Class(q / k), ComplementClass(q % k)), maxIp),
            ask =>
            {
                for (int q = 0; q < k * k; q++)
                {
                    var answer = ask(q);
                    int i = weights[q / k];
                    if (answer.Score.InnerProduct > i) throw new InvalidOperationException($"Max-IP over S_{i} x S_{weights[q % k]}-bar returned {answer.Score.InnerProduct} > {i}");
                    if (answer.Score.InnerProduct == i)
                    {
                        return VectorOps.OvYes(problem, instance, byWeight[i][answer.I], byWeight[weights[q % k]][answer.J]);
                    }
                }

                return Answer.No(problem);
            });
    }
}
