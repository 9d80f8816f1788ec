using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// Def 2.1 by the obvious loops: softmax(X Q K^T X^T) X V in float64, one full row of n scores at a time, no mask, no
/// 1/sqrt(m). O(n^2 m). It is the oracle every alternative is tested against and the stand-in for the exact attention
/// engine in the Lab's own tests (the engine itself lives in Subquad.Models.Attention).
/// </summary>
public sealed class NaiveAttention : IAttentionMixer
{
    /// <summary>The shared instance (no state).</summary>
    public static NaiveAttention Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "naive-attention";

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        return Attend(q, k, v, (_, _) => true, cancellationToken).Output;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights) =>
        new(2.0 * rows * (weights.InputWidth * (2.0 * weights.EmbeddingDimension + weights.OutputWidth))
            + 2.0 * rows * (double)rows * (weights.EmbeddingDimension + weights.OutputWidth), 0, 0);

    /// <summary>
    /// Dense masked attention on already projected q, k, v: row i attends to the keys j with allowed(i, j), softmax
    /// over exactly those. A row with no allowed key gets output 0 and log-sum-exp -infinity (an explicit rule, STYLE
    /// 3.11). Returns the outputs and each row's log-sum-exp of its allowed scores.
    /// </summary>
    public static (Matrix Output, double[] LogSumExp) Attend(Matrix q, Matrix k, Matrix v, Func<int, int, bool> allowed, CancellationToken cancellationToken = default)
    {
        int n = q.Rows;
        var output = new Matrix(n, v.Columns);
        var lse = new double[n];
        var scores = new double[k.Rows];
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double max = double.NegativeInfinity;
            for (int j = 0; j < k.Rows; j++)
            {
                scores[j] = allowed(i, j) ? AttentionAlgebra.Dot(q.Row(i), k.Row(j)) : double.NegativeInfinity;
                max = Math.Max(max, scores[j]);
            }

            if (double.IsNegativeInfinity(max))
            {
                lse[i] = double.NegativeInfinity;
                continue;
            }

            double sum = 0;
            var row = output.Row(i);
            for (int j = 0; j < k.Rows; j++)
            {
                if (double.IsNegativeInfinity(scores[j])) continue;
                double w = Math.Exp(scores[j] - max);
                sum += w;
                var vj = v.Row(j);
                for (int c = 0; c < row.Length; c++) row[c] += w * vj[c];
            }

            for (int c = 0; c < row.Length; c++) row[c] /= sum;
            lse[i] = max + Math.Log(sum);
        }

        return (output, lse);
    }
}
