using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Linformer (Wang et al. 2020; ALTERNATIVES.md 3.6) on the construction's own q, k, v: K' = E^T k (k x m) and
/// V' = F^T v (k x d_out), then Y = softmax(q K'^T) V'. O(n k (m + d_out)). No temperature (Def 2.1). The projection
/// mixes all positions, so it is an encoder-only (non-causal) heuristic, which is what the construction is.
/// </summary>
/// <remarks>
/// The projections are N(0, 1/k) entries generated on the fly: row j of E and F comes from a counter-based generator
/// keyed by (<see cref="Seed"/>, j, c), so the forward pass holds O(k) numbers of them at a time instead of two n x k
/// matrices, and row j is the same whatever n is (Linformer slices the first n rows of an n_max x k matrix; with random
/// projections that is the same distribution). <see cref="Projections"/> materialises the same entries for the
/// reference. Rank k &gt;= n with <see cref="LowRankProjection.Identity"/> is exactly full attention (tested).
/// </remarks>
public sealed class LowRankAttention : IAttentionMixer
{
    /// <summary>Linformer with rank <paramref name="rank"/>.</summary>
    public LowRankAttention(int rank, int seed, LowRankProjection projection = LowRankProjection.Random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        Rank = rank;
        Seed = seed;
        Projection = projection;
    }

    /// <summary>k.</summary>
    public int Rank { get; }

    /// <summary>Seed of E and F.</summary>
    public int Seed { get; }

    /// <summary>Projection kind.</summary>
    public LowRankProjection Projection { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"linformer(rank={Rank}{(Projection == LowRankProjection.Identity ? ",identity" : "")})");

    /// <summary>(E, F), each n x k.</summary>
    public (Matrix E, Matrix F) Projections(int rows)
    {
        if (Projection == LowRankProjection.Identity)
        {
            if (Rank != rows) throw new ArgumentException($"the identity projection needs rank = n, but rank = {Rank} and n = {rows}");
            var identity = new Matrix(rows, rows);
            for (int i = 0; i < rows; i++) identity[i, i] = 1;
            return (identity, identity);
        }

        var e = new Matrix(rows, Rank);
        var f = new Matrix(rows, Rank);
        for (int j = 0; j < rows; j++) ProjectionRows(j, e.Row(j), f.Row(j));
        return (e, f);
    }

    /// <summary>Row j of E and of F (random projection), generated from (seed, j) alone.</summary>
    public void ProjectionRows(int j, Span<double> e, Span<double> f)
    {
        if (Projection == LowRankProjection.Identity) throw new InvalidOperationException("the identity projection is not generated row by row");
        double scale = 1.0 / Math.Sqrt(Rank);
        long start = 2L * Rank * j;
        for (int c = 0; c < Rank; c++)
        {
            e[c] = scale * Gaussian.At(Seed, start + c);
            f[c] = scale * Gaussian.At(Seed, start + Rank + c);
        }
    }

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        int n = q.Rows;
        var identity = Projection == LowRankProjection.Identity ? Projections(n) : default;
        var eRow = new double[Rank];
        var fRow = new double[Rank];

        // K' = E^T k and V' = F^T v, accumulated row by row of the input (one pass over the n rows), the projection rows
        // generated as they are needed.
        var kp = new Matrix(Rank, k.Columns);
        var vp = new Matrix(Rank, v.Columns);
        for (int j = 0; j < n; j++)
        {
            var kj = k.Row(j);
            var vj = v.Row(j);
            Span<double> ej = eRow, fj = fRow;
            if (identity.E is null) ProjectionRows(j, ej, fj);
            else
            {
                ej = identity.E.Row(j);
                fj = identity.F.Row(j);
            }

            for (int c = 0; c < Rank; c++)
            {
                if (ej[c] != 0)
                {
                    var kc = kp.Row(c);
                    for (int a = 0; a < kj.Length; a++) kc[a] += ej[c] * kj[a];
                }

                if (fj[c] != 0)
                {
                    var vc = vp.Row(c);
                    for (int a = 0; a < vj.Length; a++) vc[a] += fj[c] * vj[a];
                }
            }
        }

        var output = new Matrix(n, v.Columns);
        var scores = new double[Rank];
        var all = Enumerable.Range(0, Rank).ToArray();
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int c = 0; c < Rank; c++) scores[c] = AttentionAlgebra.Dot(q.Row(i), kp.Row(c));
            AttentionAlgebra.SoftmaxSum(scores, all, vp, output.Row(i));
        }

        return output;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        double k = Rank, m = weights.EmbeddingDimension, d = weights.OutputWidth;
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + (2.0 * rows * k * (m + d)) + (2.0 * rows * k * (m + d)), 0, 0);
    }
}
