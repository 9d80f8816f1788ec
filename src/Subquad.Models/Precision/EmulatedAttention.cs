using Subquad.Models.Attention;

namespace Subquad.Models.Precision;

/// <summary>
/// The attention unit of Def 2.1 computed as if every arithmetic operation ran in <see cref="Format"/>: each input
/// value, each product, each sum, each exp and the final division are rounded to the format (float64 arithmetic
/// followed by one rounding is the correctly rounded result for +, -, x, / in these narrower formats). Used by the
/// precision study for f16 and bf16, which the CPU has no arithmetic for, and for f32/f64 so all four share one
/// evaluation order.
/// </summary>
/// <remarks>
/// Where rounding happens, in order (the reference's order, <see cref="AttentionReference"/>):
/// 1. X, Q, K, V entries are rounded once (phi1 itself is evaluated in float64, then its output rounded);
/// 2. projections q = XQ, k = XK, v = XV: each product rounded, each partial sum rounded, index order;
/// 3. scores q_i . k_j: the same, over the m coordinates;
/// 4. the row max (exact: a comparison); s_j - max rounded; exp rounded;
/// 5. the denominator: sequential sum over j in index order, rounded after each add;
/// 6. the numerator: products exp_j * v_j rounded, sequential sums rounded; then numerator / denominator rounded.
/// phi2 reads the rounded outputs in float64 (Lemma D.1 is a comparison against a and b).
/// Overflow becomes infinity and propagates (NaN rows then answer as the comparison with NaN does: not a witness).
/// </remarks>
public sealed class EmulatedAttention(FloatFormat format) : IAttentionMixer
{
    /// <summary>The emulated format.</summary>
    public FloatFormat Format { get; } = format;

    /// <inheritdoc/>
    public string Name => $"attention-emulated({Format.CliName()})";

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights) => AttentionEngine.ExactCost(rows, weights);

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weights);
        var f = Format;
        var xr = RoundAll(x);
        var q = Project(xr, RoundAll(weights.Q));
        var k = Project(xr, RoundAll(weights.K));
        var v = Project(xr, RoundAll(weights.V));
        int n = x.Rows, m = q.Columns, o = v.Columns;
        var output = new Matrix(n, o);
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var scores = new double[n];
            double max = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int c = 0; c < m; c++) s = f.Round(s + f.Round(q[i, c] * k[j, c]));
                scores[j] = s;
                if (s > max) max = s;
            }

            double sum = 0;
            var numerator = new double[o];
            for (int j = 0; j < n; j++)
            {
                double p = f.Round(Math.Exp(f.Round(scores[j] - max)));
                sum = f.Round(sum + p);
                for (int c = 0; c < o; c++) numerator[c] = f.Round(numerator[c] + f.Round(p * v[j, c]));
            }

            for (int c = 0; c < o; c++) output[i, c] = f.Round(numerator[c] / sum);
        });
        return output;
    }

    private Matrix RoundAll(Matrix a)
    {
        var result = a.Clone();
        for (int i = 0; i < result.Data.Length; i++) result.Data[i] = Format.Round(result.Data[i]);
        return result;
    }

    private Matrix Project(Matrix x, Matrix w)
    {
        var f = Format;
        var result = new Matrix(x.Rows, w.Columns);
        Parallel.For(0, x.Rows, i =>
        {
            for (int c = 0; c < w.Columns; c++)
            {
                double s = 0;
                for (int k = 0; k < x.Columns; k++)
                {
                    double xv = x[i, k];
                    if (xv == 0) continue; // 0 * finite = 0 and s + 0 = s: skipping changes no rounding
                    s = f.Round(s + f.Round(xv * w[k, c]));
                }

                result[i, c] = s;
            }
        });
        return result;
    }
}
