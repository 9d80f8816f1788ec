using System.Numerics;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Core.Solvers;

/// <summary>
/// The canonical score of one pair, computed by plain scalar loops. It defines the value every solver reports:
/// binary scores are exact integers; dense scores are float64 sums taken in row order (so a fast solver that
/// pre-selects in float32 re-scores its candidates here and reports bit-identical values to the oracle).
/// </summary>
public static class PairScoring
{
    /// <summary>popcount(a_i AND b_j): the inner product of two binary rows.</summary>
    public static long InnerProduct(BinaryVectors a, int i, BinaryVectors b, int j)
    {
        var x = a.Row(i);
        var y = b.Row(j);
        long count = 0;
        for (int w = 0; w < x.Length; w++) count += BitOperations.PopCount(x[w] & y[w]);
        return count;
    }

    /// <summary>Sum over k of (double)x_k * (double)y_k in index order.</summary>
    public static double InnerProduct(DenseVectors a, int i, DenseVectors b, int j)
    {
        var x = a.Row(i);
        var y = b.Row(j);
        double sum = 0;
        for (int k = 0; k < x.Length; k++) sum += (double)x[k] * y[k];
        return sum;
    }

    /// <summary>The score of pair (i in A, j in Right) for <paramref name="kind"/>.</summary>
    public static PairScore Score(ProblemKind kind, VectorSet a, int i, VectorSet b, int j)
    {
        if (a is BinaryVectors ba && b is BinaryVectors bb)
        {
            return PairScore.Binary(kind, InnerProduct(ba, i, bb, j), ba.Weight(i), bb.Weight(j));
        }

        // Hamming distance is defined on bits only; SimilarityInstance.Validate refuses dense input before any solver runs.
        if (kind.IsHamming()) throw new ArgumentException($"{kind.PaperName()} is defined on binary vectors only", nameof(kind));
        var da = (DenseVectors)a;
        var db = (DenseVectors)b;
        double ip = InnerProduct(da, i, db, j);
        return PairScore.Dense(kind.IsCosine() ? ip / (da.Norm(i) * db.Norm(j)) : ip);
    }
}
