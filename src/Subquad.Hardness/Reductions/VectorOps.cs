using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Hardness.Reductions;

/// <summary>
/// The row surgery the reductions share: subsets, complements, appended coordinates, concatenation. Word-level
/// copies; every result is a fresh immutable <see cref="BinaryVectors"/> (inputs are never modified).
/// </summary>
internal static class VectorOps
{
    /// <summary>The instance's sets as binary vectors, or an <see cref="ArgumentException"/> naming the reduction.</summary>
    public static BinaryVectors Binary(VectorSet set, string who) =>
        set as BinaryVectors ?? throw new ArgumentException($"{who} is defined on binary vectors; got dense input", nameof(set));

    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/>, in that order, widened to <paramref name="dimensions"/> (default: same width).</summary>
    public static BinaryVectors Rows(BinaryVectors source, IReadOnlyList<int> rows, int? dimensions = null)
    {
        int l = dimensions ?? source.Dimensions;
        if (l < source.Dimensions) throw new ArgumentOutOfRangeException(nameof(dimensions), "can only widen");
        var builder = new BinaryVectors.Builder(rows.Count, l);
        int copy = (source.Dimensions + 63) / 64;
        for (int r = 0; r < rows.Count; r++) source.Row(rows[r])[..copy].CopyTo(builder.RowSpan(r));
        return builder.Build();
    }

    /// <summary>Rows start .. start+count-1 of <paramref name="source"/>.</summary>
    public static BinaryVectors Range(BinaryVectors source, int start, int count) =>
        BinaryVectors.FromPackedWords(source.Words.Slice(start * source.WordsPerRow, count * source.WordsPerRow), count, source.Dimensions, source.WordsPerRow);

    /// <summary>v-bar: every bit flipped (paper.md section 2: v-bar[i] = 1 - v[i]).</summary>
    public static BinaryVectors Complement(BinaryVectors source)
    {
        var builder = new BinaryVectors.Builder(source.Count, source.Dimensions);
        for (int i = 0; i < source.Count; i++)
        {
            var from = source.Row(i);
            var to = builder.RowSpan(i);
            for (int w = 0; w < from.Length; w++) to[w] = ~from[w];
        }

        // Build() clears the bits past l that the flip turned on.
        return builder.Build();
    }

    /// <summary>
    /// Every row of <paramref name="source"/> widened to <paramref name="dimensions"/> with the columns in
    /// <paramref name="setColumns"/> set to one.
    /// </summary>
    public static BinaryVectors WithColumns(BinaryVectors source, int dimensions, params int[] setColumns)
    {
        var builder = new BinaryVectors.Builder(source.Count, dimensions);
        int copy = (source.Dimensions + 63) / 64;
        for (int i = 0; i < source.Count; i++)
        {
            source.Row(i)[..copy].CopyTo(builder.RowSpan(i));
            foreach (int k in setColumns) builder.Set(i, k);
        }

        return builder.Build();
    }

    /// <summary>The rows of <paramref name="first"/> followed by those of <paramref name="second"/> (same width).</summary>
    public static BinaryVectors Concat(BinaryVectors first, BinaryVectors second)
    {
        if (first.Dimensions != second.Dimensions) throw new ArgumentException("widths differ", nameof(second));
        var builder = new BinaryVectors.Builder(first.Count + second.Count, first.Dimensions);
        for (int i = 0; i < first.Count; i++) first.Row(i).CopyTo(builder.RowSpan(i));
        for (int i = 0; i < second.Count; i++) second.Row(i).CopyTo(builder.RowSpan(first.Count + i));
        return builder.Build();
    }

    /// <summary>Index of the first zero row, or -1.</summary>
    public static int FirstZeroRow(BinaryVectors vectors)
    {
        for (int i = 0; i < vectors.Count; i++)
        {
            if (vectors.Weight(i) == 0) return i;
        }

        return -1;
    }

    /// <summary>
    /// The OV guard every OV reduction starts with: a zero row is orthogonal to every other row, so it answers yes
    /// without a call (mono: the zero row with its first other row, n &gt;= 2; bichromatic: with row 0 of the other
    /// side). Returns that answer, or null when no row is zero.
    /// </summary>
    public static Reduction<Answer>? ZeroRowAnswer(SimilarityInstance instance, Problem problem)
    {
        var a = (BinaryVectors)instance.A;
        int zeroA = FirstZeroRow(a);
        if (zeroA >= 0) return Reduction<Answer>.Immediate(OvYes(problem, instance, zeroA, instance.IsBichromatic ? 0 : (zeroA == 0 ? 1 : 0)));
        if (!instance.IsBichromatic) return null;
        int zeroB = FirstZeroRow((BinaryVectors)instance.Right);
        return zeroB >= 0 ? Reduction<Answer>.Immediate(OvYes(problem, instance, 0, zeroB)) : null;
    }

    /// <summary>The exact binary score of pair (i in A, j in B) for <paramref name="kind"/>.</summary>
    public static PairScore Score(ProblemKind kind, BinaryVectors a, int i, BinaryVectors b, int j) =>
        Subquad.Core.Solvers.PairScoring.Score(kind, a, i, b, j);

    /// <summary>An OV "yes" on the source: the pair ordered as the instance requires (i &lt; j when monochromatic).</summary>
    public static Answer OvYes(Problem problem, SimilarityInstance source, int i, int j)
    {
        if (!source.IsBichromatic && i > j) (i, j) = (j, i);
        var a = (BinaryVectors)source.A;
        var b = (BinaryVectors)source.Right;
        var score = Score(ProblemKind.Ov, a, i, b, j);
        if (score.InnerProduct != 0)
        {
            throw new InvalidOperationException($"decoded pair ({i}, {j}) has inner product {score.InnerProduct}, not 0: the reduction or the solver below is wrong");
        }

        return Answer.Pair(problem, i, j, score);
    }
}
