using System.Runtime.Intrinsics;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// The small dense algebra every alternative shares: the projections q = X Q, k = X K, v = X V of Def 2.1 and a
/// stable softmax-weighted sum. Plain float64 loops; the alternatives' cost lies in which pairs they score, not here.
/// </summary>
internal static class AttentionAlgebra
{
    /// <summary>X (rows x a) times W (a x b).</summary>
    public static Matrix Multiply(Matrix x, Matrix w)
    {
        if (x.Columns != w.Rows) throw new ArgumentException($"X has {x.Columns} columns but the weight has {w.Rows} rows");
        var result = new Matrix(x.Rows, w.Columns);
        for (int r = 0; r < x.Rows; r++)
        {
            var xr = x.Row(r);
            var yr = result.Row(r);
            for (int a = 0; a < xr.Length; a++)
            {
                double xa = xr[a];
                if (xa == 0) continue;
                var wa = w.Row(a);
                // Vectorised across the output columns: each y[r, b] still gets x[r, a] w[a, b] added in order a = 0..,
                // a multiply then an add (no FMA), so the result is bitwise the scalar loop's.
                int b = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    var xv = Vector512.Create(xa);
                    for (; b + 8 <= wa.Length; b += 8)
                    {
                        var sum = Vector512.Create<double>(yr.Slice(b, 8)) + (xv * Vector512.Create<double>(wa.Slice(b, 8)));
                        sum.CopyTo(yr.Slice(b, 8));
                    }
                }

                for (; b < wa.Length; b++) yr[b] += xa * wa[b];
            }
        }

        return result;
    }

    /// <summary>The dot product of two equally long rows, in index order.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int k = 0; k < x.Length; k++) sum += x[k] * y[k];
        return sum;
    }

    /// <summary>Checks X against the weights and returns (q, k, v).</summary>
    public static (Matrix Q, Matrix K, Matrix V) Project(Matrix x, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weights);
        if (x.Columns != weights.InputWidth) throw new ArgumentException($"X has {x.Columns} columns but the weights expect d_in = {weights.InputWidth}", nameof(x));
        return (Multiply(x, weights.Q), Multiply(x, weights.K), Multiply(x, weights.V));
    }

    /// <summary>
    /// Softmax over the scores of the listed keys, then the weighted sum of their values into <paramref name="destination"/>.
    /// Returns the log-sum-exp of the scores (what Reformer needs to combine rounds). Max-subtracted: the constructions'
    /// scores reach lambda * l (paper.md section 7 item 6).
    /// </summary>
    public static double SoftmaxSum(ReadOnlySpan<double> scores, ReadOnlySpan<int> keys, Matrix v, Span<double> destination)
    {
        destination.Clear();
        if (keys.Length == 0) return double.NegativeInfinity;
        double max = double.NegativeInfinity;
        foreach (double s in scores) max = Math.Max(max, s);
        double sum = 0;
        for (int t = 0; t < keys.Length; t++)
        {
            double w = Math.Exp(scores[t] - max);
            sum += w;
            var vr = v.Row(keys[t]);
            for (int c = 0; c < vr.Length; c++) destination[c] += w * vr[c];
        }

        for (int c = 0; c < destination.Length; c++) destination[c] /= sum;
        return max + Math.Log(sum);
    }
}
