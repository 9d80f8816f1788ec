using Subquad.Models.Alternatives;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Lab.Analysis;

/// <summary>
/// The Alman-Song transition made visible: kernel approximations of softmax attention (Performer's random features,
/// the Taylor-exp feature map in linear attention) are accurate while the attention scores are small, about
/// sqrt(log n) (Alman and Song 2023: with entries o(sqrt(log n)) attention has n^(1+o(1)) approximations; with entries
/// of order log n it has none under SETH), and fail at the construction's scale, lambda * l with lambda = ln(4 n (n+1) l) + 1.
/// The sweep keeps the construction's X, K and V, scales Q so the largest |score| is B, and measures each
/// approximation's error against exact attention: max over rows of |y - y*| / max |y*|.
/// </summary>
public static class LambdaSweep
{
    /// <summary>One point: the score bound B, the contender, the relative error on one instance.</summary>
    public sealed record Point(string Family, int N, double ScoreBound, string Contender, int Instance, double RelativeError);

    /// <summary>The score bounds swept at n: 0.5, 1, 2, sqrt(ln n), 4, 8, 16 and the construction's own B.</summary>
    public static IReadOnlyList<double> Bounds(int n, double constructionBound) =>
        new[] { 0.5, 1, 2, Math.Sqrt(Math.Log(n)), 4, 8, 16, constructionBound }.Where(b => b <= constructionBound + 1e-9).Distinct().Order().ToList();

    /// <summary>The largest |q_i . k_j| of a construction.</summary>
    public static double ScoreBound(ConstructedInput c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var q = Multiply(c.X, c.Weights.Q);
        var k = Multiply(c.X, c.Weights.K);
        double max = 0;
        for (int i = 0; i < q.Rows; i++)
        {
            for (int j = 0; j < k.Rows; j++)
            {
                double s = 0;
                var qi = q.Row(i);
                var kj = k.Row(j);
                for (int a = 0; a < qi.Length; a++) s += qi[a] * kj[a];
                max = Math.Max(max, Math.Abs(s));
            }
        }

        return max;
    }

    /// <summary>Runs the sweep on one construction: Performer with <paramref name="features"/> features and Taylor order 2.</summary>
    public static IEnumerable<Point> Run(string family, int n, int instance, ConstructedInput c, IAttentionMixer exact, int features = 256, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(exact);
        double bound = ScoreBound(c);
        if (bound <= 0) yield break;
        foreach (double b in Bounds(n, bound))
        {
            var q = Scale(c.Weights.Q, b / bound);
            var weights = new AttentionWeights(q, c.Weights.K, c.Weights.V);
            var reference = exact.Forward(c.X, weights);
            foreach (var mixer in new IAttentionMixer[] { new RandomFeatureAttention(features, seed), new LinearAttention(new TaylorExpFeatureMap(2)) })
            {
                var y = mixer.Forward(c.X, weights);
                yield return new Point(family, n, b, mixer.Name, instance, RelativeError(reference, y));
            }

            // Causal linear attention (the recurrent form, Taylor order 2) against exact causal softmax attention, in the
            // duel's reading order (the sentinel rows first, so every document row can see them; in construction order a
            // document row never would, and both outputs would be trivially equal), on up to 256 evenly spaced rows (the
            // causal reference costs n m per row).
            var causal = Models.Alternatives.Recurrent.CausalLinearAttention.ForConstruction(new TaylorExpFeatureMap(2), weights);
            var ordered = SentinelFirst(c);
            var yc = causal.Forward(ordered);
            var rows = SampleRows(ordered.Rows, 256);
            var exactCausal = CausalSoftmaxRows(ordered, weights, rows);
            var approx = new Matrix(rows.Length, yc.Columns);
            for (int r = 0; r < rows.Length; r++) yc.Row(rows[r]).CopyTo(approx.Row(r));
            yield return new Point(family, n, b, "causal " + causal.Name, instance, RelativeError(exactCausal, approx));
        }
    }

    /// <summary>X with the rows after the documents (the sentinel) moved to the front, as a causal model reads it.</summary>
    public static Matrix SentinelFirst(ConstructedInput c)
    {
        ArgumentNullException.ThrowIfNull(c);
        int rows = c.X.Rows, docs = c.DocumentRows, extra = rows - docs;
        var result = new Matrix(rows, c.X.Columns);
        for (int r = 0; r < rows; r++) c.X.Row(r < extra ? docs + r : r - extra).CopyTo(result.Row(r));
        return result;
    }

    /// <summary>Up to <paramref name="count"/> evenly spaced row indices of 0..n-1 (all of them when n is small).</summary>
    public static int[] SampleRows(int n, int count) =>
        n <= count ? [.. Enumerable.Range(0, n)] : [.. Enumerable.Range(0, count).Select(t => (int)((long)t * (n - 1) / (count - 1))).Distinct()];

    /// <summary>Exact causal softmax attention (row i sees keys 0..i), float64, on the given rows only.</summary>
    public static Matrix CausalSoftmaxRows(Matrix x, AttentionWeights weights, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(rows);
        var q = Multiply(x, weights.Q);
        var k = Multiply(x, weights.K);
        var v = Multiply(x, weights.V);
        var result = new Matrix(rows.Count, v.Columns);
        var scores = new double[x.Rows];
        for (int r = 0; r < rows.Count; r++)
        {
            int i = rows[r];
            double max = double.NegativeInfinity;
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                var qi = q.Row(i);
                var kj = k.Row(j);
                for (int a = 0; a < qi.Length; a++) s += qi[a] * kj[a];
                scores[j] = s;
                max = Math.Max(max, s);
            }

            double total = 0;
            var output = result.Row(r);
            for (int j = 0; j <= i; j++)
            {
                double w = Math.Exp(scores[j] - max);
                total += w;
                var vj = v.Row(j);
                for (int a = 0; a < output.Length; a++) output[a] += w * vj[a];
            }

            for (int a = 0; a < output.Length; a++) output[a] /= total;
        }

        return result;
    }

    /// <summary>max_i |y_i - r_i| / max_i |r_i| (sup norm over entries); +infinity when y is not finite.</summary>
    public static double RelativeError(Matrix reference, Matrix y)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(y);
        double scale = 0, error = 0;
        for (int t = 0; t < reference.Data.Length; t++)
        {
            scale = Math.Max(scale, Math.Abs(reference.Data[t]));
            double d = Math.Abs(reference.Data[t] - y.Data[t]);
            if (!double.IsFinite(d)) return double.PositiveInfinity;
            error = Math.Max(error, d);
        }

        return scale == 0 ? error : error / scale;
    }

    private static Matrix Scale(Matrix m, double factor)
    {
        var result = new Matrix(m.Rows, m.Columns);
        for (int t = 0; t < m.Data.Length; t++) result.Data[t] = m.Data[t] * factor;
        return result;
    }

    private static Matrix Multiply(Matrix x, Matrix w)
    {
        var result = new Matrix(x.Rows, w.Columns);
        for (int i = 0; i < x.Rows; i++)
        {
            var xi = x.Row(i);
            var ri = result.Row(i);
            for (int a = 0; a < xi.Length; a++)
            {
                double v = xi[a];
                if (v == 0) continue;
                var wa = w.Row(a);
                for (int c = 0; c < ri.Length; c++) ri[c] += v * wa[c];
            }
        }

        return result;
    }
}
