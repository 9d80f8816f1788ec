// Lemma B.2: tensoring boosts the approximation factor.
//
// Statement. By the Kronecker lemma <v^{(x)q}, w^{(x)q}> = <v, w>^q and ||v^{(x)q}||_1 = ||v||_1^q (binary), so
//   cos(v^{(x)q}, w^{(x)q}) = cos(v, w)^q, and x -> x^q is strictly increasing on [0, inf). Hence a
//   gamma^q-approximate MSD pair of the tensored set is a gamma-approximate pair of the original (the paper's
//   gamma <= (1 + 1/log log n)^q gives 1 + 1/log log n), exact optima map to exact optima with the same ties, and
//   MSD_t becomes MSD_{t^q}. The same holds for LSD, Max-IP and Min-IP (all monotone in x^q).
// Construction. Replace every row by its q-fold Kronecker power (coordinate alpha = sum_r alpha(r) l^{q-r}); ask
//   the problem with gamma^q or t^q; the pair maps back unchanged and is re-scored on the original rows.
// Size. One call, same n, dimension l^q (refused above MaxDimensions); O(n ||v||_1^q) to build.
//   The paper's q = log n / (log log n)^2 is derived from n by ForDocuments / PaperQ (log base 2, rounded up,
//   at least 1: q* = 1.07 at n = 2^20 gives q = 2; q* <= 1 for 2^4 <= n <= 2^16); q stays a parameter for tests
//   (paper.md 4.2.7, section 7 item 10).
// References. Alman & Yu, Lemma B.2; paper.md 4.2.7.
using System.Numerics;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>Lemma B.2: the q-fold Kronecker power of every row (q a parameter).</summary>
public sealed class Tensoring : ISimilarityReduction
{
    /// <summary>Tensoring with power <paramref name="q"/> (at least 1), refusing dimensions above <paramref name="maxDimensions"/>.</summary>
    public Tensoring(int q, int maxDimensions = 1 << 22)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 1);
        Q = q;
        MaxDimensions = maxDimensions;
    }

    /// <summary>The power q.</summary>
    public int Q { get; }

    /// <summary>
    /// Lemma B.2 with the paper's q for n documents: q* = log2 n / (log2 log2 n)^2 (base 2, the base in which paper.md
    /// 4.2.7's "n = 2^20 gives q = 1.07" holds), rounded up and at least 1 (paper.md section 7 item 10).
    /// </summary>
    public static Tensoring ForDocuments(int n, int maxDimensions = 1 << 22) => new(PaperQ(n).Q, maxDimensions);

    /// <summary>
    /// The derivation of B.2's q from n, every step shown: log2 n, log2 log2 n, the real q* and the integer q used.
    /// For n &lt; 4, log2 log2 n &lt;= 0 and the formula is undefined; q = 1 there.
    /// </summary>
    public static PaperQDerivation PaperQ(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        double log = Math.Log2(n), logLog = Math.Log2(log);
        double real = logLog > 0 ? log / (logLog * logLog) : double.NaN;
        int q = double.IsFinite(real) ? Math.Max(1, (int)Math.Ceiling(real - 1e-12)) : 1;
        string text = FormattableString.Invariant(
            $"n = {n}: log2 n = {log:G6}, log2 log2 n = {logLog:G6}, q* = log2 n / (log2 log2 n)^2 = {(double.IsFinite(real) ? real.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "undefined (n < 4)")}, q = max(1, ceil(q*)) = {q}");
        return new PaperQDerivation(n, log, logLog, real, q, text);
    }

    /// <summary>The largest l^q built.</summary>
    public int MaxDimensions { get; }

    /// <inheritdoc/>
    public string Name => $"B.2 tensor q={Q}";

    /// <inheritdoc/>
    public string Reference => "Lemma B.2";

    /// <inheritdoc/>
    /// <remarks>One call, same rows, dimension l^q.</remarks>
    public ReductionSize SizeBound(InstanceShape shape) => new(1, shape.Rows, (long)Math.Min(long.MaxValue, Math.Pow(shape.Dimensions, Q)));

    /// <inheritdoc/>
    public bool Accepts(SimilarityInstance instance, Problem problem) =>
        instance.IsBinary && problem.Kind != ProblemKind.Ov;

    /// <summary>v^{(x)q} for every row of <paramref name="v"/>.</summary>
    /// <exception cref="ArgumentException">l^q exceeds <paramref name="maxDimensions"/>.</exception>
    public static BinaryVectors Power(BinaryVectors v, int q, int maxDimensions = 1 << 22)
    {
        var size = BigInteger.Pow(v.Dimensions, q);
        if (size > maxDimensions) throw new ArgumentException($"l^q = {v.Dimensions}^{q} = {size} exceeds the {maxDimensions}-dimension limit of tensoring", nameof(q));
        int l = v.Dimensions, dimensions = (int)size;
        var builder = new BinaryVectors.Builder(v.Count, dimensions);
        var support = new List<int>();
        for (int i = 0; i < v.Count; i++)
        {
            support.Clear();
            for (int k = 0; k < l; k++) if (v[i, k]) support.Add(k);
            if (support.Count == 0) continue;
            // Enumerate alpha in support^q as a mixed-radix counter.
            var digits = new int[q];
            while (true)
            {
                int index = 0;
                for (int r = 0; r < q; r++) index = index * l + support[digits[r]];
                builder.Set(i, index);
                int d = q - 1;
                while (d >= 0 && ++digits[d] == support.Count) digits[d--] = 0;
                if (d < 0) break;
            }
        }

        return builder.Build();
    }

    /// <summary>The problem asked on the tensored rows: gamma^q, t^q, or the same exact problem.</summary>
    public Problem TargetProblem(Problem problem) => problem.Mode switch
    {
        ProblemMode.Exact => problem,
        ProblemMode.Gamma => Problem.Approximate(problem.Kind, Pow(problem.Gamma!.Value, Q)),
        _ => Problem.WithThreshold(problem.Kind, Pow(problem.Threshold!.Value, Q)),
    };

    private static Rational Pow(Rational x, int q) => new(BigInteger.Pow(x.Numerator, q), BigInteger.Pow(x.Denominator, q));

    /// <inheritdoc/>
    public Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem)
    {
        if (!Accepts(instance, problem)) throw new ArgumentException($"{Reference} applies to binary MSD, LSD, Max-IP and Min-IP, not {problem}", nameof(problem));
        instance.Validate(problem);
        var a = (BinaryVectors)instance.A;
        var b = (BinaryVectors)instance.Right;
        var target = TargetProblem(problem);
        return new Reduction<Answer>(
            1,
            _ =>
            {
                var ta = Power(a, Q, MaxDimensions);
                var tensored = instance.IsBichromatic ? SimilarityInstance.Bichromatic(ta, Power(b, Q, MaxDimensions)) : SimilarityInstance.Monochromatic(ta);
                return new SimilarityQuery(tensored, target);
            },
            ask =>
            {
                var answer = ask(0);
                if (!answer.HasPair) return Answer.No(problem);
                var score = VectorOps.Score(problem.Kind, a, answer.I, b, answer.J);
                return answer with { Problem = problem, Score = score };
            });
    }
}
