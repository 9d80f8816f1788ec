using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>
/// Causal linear attention (Katharopoulos et al. 2020; ALTERNATIVES.md 3.2) with q = x W_q, k = x W_k, v = x W_v:
/// y_i = phi(q_i)^T S_i / (phi(q_i)^T z_i + eps), S_i = sum_{j &lt;= i} phi(k_j) v_j^T, z_i = sum_{j &lt;= i} phi(k_j).
/// The state (S, z) has f (d_v + 1) numbers whatever the length: the model is a one-pass algorithm with that memory.
/// </summary>
/// <remarks>
/// Two forms, tested equal to each other and to the quadratic oracle (Reference.LinearAttentionReference):
/// <see cref="Forward"/> is the recurrence (step by step, O(L f d_v)); <see cref="ForwardChunked"/> is fla's chunked
/// parallel form (the inter-chunk term from the state at the chunk's start plus the intra-chunk masked quadratic
/// term). eps = 1e-6 (fast-transformers). No 1/sqrt(d): the original has none and Def 2.1 has none.
/// <see cref="ForConstruction"/> uses the construction's own Q, K, V as W_q, W_k, W_v.
/// </remarks>
public sealed class CausalLinearAttention : ISequenceMixer
{
    /// <summary>Linear attention with the given map and projections (D x m, D x m, D x d_v).</summary>
    public CausalLinearAttention(IFeatureMap map, Matrix queryWeights, Matrix keyWeights, Matrix valueWeights, double epsilon = 1e-6, int bitsPerNumber = 32)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(queryWeights);
        ArgumentNullException.ThrowIfNull(keyWeights);
        ArgumentNullException.ThrowIfNull(valueWeights);
        if (queryWeights.Rows != keyWeights.Rows || queryWeights.Columns != keyWeights.Columns || valueWeights.Rows != queryWeights.Rows)
        {
            throw new ArgumentException("W_q and W_k must have the same shape and W_v the same number of rows");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerNumber, 1);
        Map = map;
        QueryWeights = queryWeights;
        KeyWeights = keyWeights;
        ValueWeights = valueWeights;
        Epsilon = epsilon;
        BitsPerNumber = bitsPerNumber;
    }

    /// <summary>phi.</summary>
    public IFeatureMap Map { get; }

    /// <summary>W_q (D x m).</summary>
    public Matrix QueryWeights { get; }

    /// <summary>W_k (D x m).</summary>
    public Matrix KeyWeights { get; }

    /// <summary>W_v (D x d_v).</summary>
    public Matrix ValueWeights { get; }

    /// <summary>eps in the normaliser.</summary>
    public double Epsilon { get; }

    /// <summary>Precision of the state for <see cref="Cost"/> (32: the reference computes recurrences in fp32).</summary>
    public int BitsPerNumber { get; }

    /// <summary>Feature dimension f.</summary>
    public int FeatureDimension => Map.Dimension(QueryWeights.Columns);

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"linear-attention({Map.Name},f={FeatureDimension})");

    /// <summary>The construction's Q, K, V as the projections.</summary>
    public static CausalLinearAttention ForConstruction(IFeatureMap map, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new(map, weights.Q, weights.K, weights.V);
    }

    /// <summary>(phi(q), phi(k), v) for x.</summary>
    public (Matrix PhiQ, Matrix PhiK, Matrix V) Features(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var weights = new AttentionWeights(QueryWeights, KeyWeights, ValueWeights);
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return (FeatureMaps.MapRows(Map, q), FeatureMaps.MapRows(Map, k), v);
    }

    /// <summary>The recurrent form: one token at a time, carrying (S, z).</summary>
    public Matrix Forward(Matrix x, CancellationToken cancellationToken = default)
    {
        var (phiQ, phiK, v) = Features(x);
        int length = x.Rows, f = phiQ.Columns, d = v.Columns;
        var s = new Matrix(f, d);
        var z = new double[f];
        var y = new Matrix(length, d);
        for (int t = 0; t < length; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pk = phiK.Row(t);
            var vt = v.Row(t);
            for (int r = 0; r < f; r++)
            {
                z[r] += pk[r];
                var sr = s.Row(r);
                for (int c = 0; c < d; c++) sr[c] += pk[r] * vt[c];
            }

            Readout(phiQ.Row(t), s, z, y.Row(t));
        }

        return y;
    }

    /// <summary>fla's chunked parallel form with chunks of <paramref name="chunk"/> tokens.</summary>
    public Matrix ForwardChunked(Matrix x, int chunk = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var (phiQ, phiK, v) = Features(x);
        int length = x.Rows, f = phiQ.Columns, d = v.Columns;
        var s = new Matrix(f, d);
        var z = new double[f];
        var y = new Matrix(length, d);
        var numerator = new double[d];
        for (int start = 0; start < length; start += chunk)
        {
            int end = Math.Min(length, start + chunk);
            for (int i = start; i < end; i++)
            {
                // Inter-chunk: the state before the chunk; intra-chunk: the masked quadratic term j in [start, i].
                var pq = phiQ.Row(i);
                double denominator = AttentionAlgebra.Dot(pq, z);
                Array.Clear(numerator);
                for (int r = 0; r < f; r++)
                {
                    var sr = s.Row(r);
                    for (int c = 0; c < d; c++) numerator[c] += pq[r] * sr[c];
                }

                for (int j = start; j <= i; j++)
                {
                    double a = AttentionAlgebra.Dot(pq, phiK.Row(j));
                    denominator += a;
                    var vj = v.Row(j);
                    for (int c = 0; c < d; c++) numerator[c] += a * vj[c];
                }

                var yi = y.Row(i);
                for (int c = 0; c < d; c++) yi[c] = numerator[c] / (denominator + Epsilon);
            }

            for (int j = start; j < end; j++)
            {
                var pk = phiK.Row(j);
                var vj = v.Row(j);
                for (int r = 0; r < f; r++)
                {
                    z[r] += pk[r];
                    var sr = s.Row(r);
                    for (int c = 0; c < d; c++) sr[c] += pk[r] * vj[c];
                }
            }
        }

        return y;
    }

    private void Readout(ReadOnlySpan<double> pq, Matrix s, double[] z, Span<double> destination)
    {
        double denominator = AttentionAlgebra.Dot(pq, z) + Epsilon;
        destination.Clear();
        for (int r = 0; r < pq.Length; r++)
        {
            var sr = s.Row(r);
            for (int c = 0; c < destination.Length; c++) destination[c] += pq[r] * sr[c];
        }

        for (int c = 0; c < destination.Length; c++) destination[c] /= denominator;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int length)
    {
        double f = FeatureDimension, d = ValueWeights.Columns, dIn = QueryWeights.Rows, m = QueryWeights.Columns;
        double perToken = (2.0 * dIn * ((2 * m) + d)) + (2 * f * m) + (4.0 * f * (d + 1));
        long numbers = (long)FeatureDimension * (ValueWeights.Columns + 1);
        return new(perToken * length, numbers, numbers * BitsPerNumber);
    }
}
