namespace Subquad.Models.Attention;

/// <summary>
/// The plain O(n^2) float64 attention unit of Def 2.1, written as llm.c-style loops: the readable specification and
/// the oracle every fast path (<see cref="AttentionEngine"/>, ONNX Runtime, the alternatives) is tested against.
/// </summary>
/// <remarks>
/// Shape legend: n = rows of X (documents plus sentinel), d = d_in, m = embedding dimension, o = d_out.
/// Effectively computes A(X) = softmax(X Q K^T X^T) X V, one head, no mask, no 1/sqrt(m): row i of the result is
/// sum_j softmax_j(q_i . k_j) v_j with q = XQ, k = XK, v = XV, and every row attends to every row including itself.
/// The softmax is stabilised by subtracting the row maximum (paper.md 7 item 6: raw scores reach lambda(l+1)(t+1),
/// far past exp's range), which leaves the exact value unchanged.
/// </remarks>
public sealed class AttentionReference : IAttentionMixer
{
    /// <summary>The shared instance (stateless).</summary>
    public static AttentionReference Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "attention-reference";

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default) => AttentionForward(x, weights, cancellationToken);

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights) => AttentionEngine.ExactCost(rows, weights);

    /// <summary>softmax(X Q K^T X^T) X V in float64 by the obvious loops.</summary>
    /// <param name="x">n x d_in.</param>
    /// <param name="weights">Q, K (d_in x m), V (d_in x d_out).</param>
    /// <param name="cancellationToken">Checked once per row.</param>
    /// <exception cref="ArgumentException">X's width is not d_in.</exception>
    public static Matrix AttentionForward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weights);
        if (x.Columns != weights.InputWidth) throw new ArgumentException($"X has {x.Columns} columns but d_in = {weights.InputWidth}", nameof(x));
        int n = x.Rows;

        // Pass 1: the three projections q = XQ (n x m), k = XK (n x m), v = XV (n x o).
        var q = Multiply(x, weights.Q);
        var k = Multiply(x, weights.K);
        var v = Multiply(x, weights.V);

        var output = new Matrix(n, weights.OutputWidth);
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Pass 2: scores s_j = q_i . k_j and their maximum.
            double max = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int c = 0; c < q.Columns; c++) s += q[i, c] * k[j, c];
                scores[j] = s;
                if (s > max) max = s;
            }

            // Pass 3: exp(s_j - max) and their sum (>= 1: the maximum contributes exp(0)).
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                scores[j] = Math.Exp(scores[j] - max);
                sum += scores[j];
            }

            // Pass 4: the softmax-weighted average of the value rows.
            for (int j = 0; j < n; j++)
            {
                double p = scores[j] / sum;
                for (int c = 0; c < v.Columns; c++) output[i, c] += p * v[j, c];
            }
        }

        return output;
    }

    /// <summary>
    /// The same loops with a mask, on already projected q, k, v (the oracle of the masked alternatives: window, LSH,
    /// clustered, low rank, random sparse): row i attends to the keys j with allowed(i, j), softmax
    /// over exactly those. A row with no allowed key gets output 0 and log-sum-exp -infinity (an explicit rule, STYLE
    /// 3.11). Returns the outputs and each row's log-sum-exp of its allowed scores.
    /// </summary>
    public static (Matrix Output, double[] LogSumExp) Masked(Matrix q, Matrix k, Matrix v, Func<int, int, bool> allowed, CancellationToken cancellationToken = default)
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
                if (!allowed(i, j))
                {
                    scores[j] = double.NegativeInfinity;
                    continue;
                }

                double s = 0;
                for (int c = 0; c < q.Columns; c++) s += q[i, c] * k[j, c];
                scores[j] = s;
                max = Math.Max(max, s);
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

    /// <summary>The plain product a b (float64, index order).</summary>
    public static Matrix Multiply(Matrix a, Matrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Columns != b.Rows) throw new ArgumentException($"{a.Rows} x {a.Columns} times {b.Rows} x {b.Columns}");
        var result = new Matrix(a.Rows, b.Columns);
        for (int i = 0; i < a.Rows; i++)
        {
            for (int k = 0; k < a.Columns; k++)
            {
                double aik = a[i, k];
                if (aik == 0) continue; // 0 * finite adds exactly 0; skipping keeps one-hot phi1 blocks cheap.
                for (int j = 0; j < b.Columns; j++) result[i, j] += aik * b[k, j];
            }
        }

        return result;
    }
}
