using System.Numerics.Tensors;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Row normalisations: RMSNorm (x / rms(x) * w), LayerNorm ((x - mean) / std * w + b), and L2 normalisation of
/// groups of columns (per head; DeltaNet normalises q and k). Statistics in float32 with eps inside the root, as
/// PyTorch does.
/// </summary>
public static class Norms
{
    /// <summary>Rows per parallel block of <see cref="RmsNorm"/> (fixed: dw's partial sums must not depend on threads).</summary>
    internal const int RowBlock = 256;

    /// <summary>RMSNorm over each row: y = x / sqrt(mean(x²) + eps) ⊙ w.</summary>
    /// <remarks>
    /// Blocks of <see cref="RowBlock"/> rows in parallel; each row in fused Vector512 passes (sum of squares, then the
    /// scaled product; backward: g·x, then dx and this block's dw together). Every block of the models runs it twice.
    /// </remarks>
    public static Tensor RmsNorm(Tape tape, Tensor x, Tensor w, Real eps = (Real)1e-5)
    {
        if (w.Length != x.Cols) throw new ArgumentException($"RMSNorm: weight {w} for {x}");
        int m = x.Rows, d = x.Cols, blocks = (m + RowBlock - 1) / RowBlock;
        var y = tape.Output(m, d, zeroed: false, x, w);
        var inv = tape.Scratch(m, zeroed: false);
        var xd = x.Data;
        var wd = w.Data;
        LearnThreads.For(blocks, 3L * RowBlock * d, blk =>
        {
            for (int i = blk * RowBlock, end = Math.Min(m, i + RowBlock); i < end; i++)
            {
                var xi = xd.AsSpan(i * d, d);
                inv[i] = (Real)1 / RealMath.Sqrt(TensorPrimitives.SumOfSquares<Real>(xi) / d + eps);
                RowVector.ScaledProduct(xi, wd, inv[i], y.Data.AsSpan(i * d, d));
            }
        });

        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dx = x.RequiresGrad ? x.GradBuffer() : null;
            var dwParts = w.RequiresGrad ? new Real[blocks * d] : null;
            LearnThreads.For(blocks, 6L * RowBlock * d, blk =>
            {
                var dwPart = dwParts is null ? Span<Real>.Empty : dwParts.AsSpan(blk * d, d);
                for (int i = blk * RowBlock, end = Math.Min(m, i + RowBlock); i < end; i++)
                {
                    // d/dx_j of x_k r w_k = w_j r δ_jk - x_k w_k r³ x_j / d; with g = dy ⊙ w: dx = r g - (r³ (g·x) / d) x;
                    // dw += r (dy ⊙ x).
                    ReadOnlySpan<Real> xi = xd.AsSpan(i * d, d), dyi = dy.AsSpan(i * d, d);
                    Real r = inv[i];
                    Real dot = RowVector.TripleDot(dyi, wd, xi);
                    RowVector.RmsBackward(dyi, wd, xi, r, r * r * r * dot / d, dx is null ? Span<Real>.Empty : dx.AsSpan(i * d, d), dwPart);
                }
            });
            if (dwParts is not null)
            {
                var dw = w.GradBuffer().AsSpan(0, d);
                for (int blk = 0; blk < blocks; blk++) TensorPrimitives.Add(dw, dwParts.AsSpan(blk * d, d), dw);
            }
        });
        return y;
    }

    /// <summary>LayerNorm over each row: y = (x - μ) / sqrt(σ² + eps) ⊙ w + b (biased variance, as PyTorch).</summary>
    public static Tensor LayerNorm(Tape tape, Tensor x, Tensor w, Tensor b, Real eps = (Real)1e-5)
    {
        int m = x.Rows, d = x.Cols;
        var y = tape.Output(m, d, x, w, b);
        var inv = tape.Scratch(m);
        var xhat = tape.Scratch(m * d);
        for (int i = 0; i < m; i++)
        {
            var xi = x.Row(i);
            Real mean = 0;
            for (int j = 0; j < d; j++) mean += xi[j];
            mean /= d;
            Real v = 0;
            for (int j = 0; j < d; j++) v += (xi[j] - mean) * (xi[j] - mean);
            inv[i] = (Real)1 / RealMath.Sqrt(v / d + eps);
            var yi = y.Row(i);
            for (int j = 0; j < d; j++)
            {
                xhat[i * d + j] = (xi[j] - mean) * inv[i];
                yi[j] = xhat[i * d + j] * w.Data[j] + b.Data[j];
            }
        }

        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            for (int i = 0; i < m; i++)
            {
                // dx = inv/d (d g - sum(g) - xhat sum(g xhat)) with g = dy ⊙ w.
                Real sg = 0, sgx = 0;
                for (int j = 0; j < d; j++)
                {
                    Real g = dy[i * d + j] * w.Data[j];
                    sg += g;
                    sgx += g * xhat[i * d + j];
                }

                if (x.RequiresGrad)
                {
                    var dx = x.GradBuffer();
                    for (int j = 0; j < d; j++) dx[i * d + j] += inv[i] / d * (d * dy[i * d + j] * w.Data[j] - sg - xhat[i * d + j] * sgx);
                }

                if (w.RequiresGrad)
                {
                    var dw = w.GradBuffer();
                    for (int j = 0; j < d; j++) dw[j] += dy[i * d + j] * xhat[i * d + j];
                }

                if (b.RequiresGrad)
                {
                    var db = b.GradBuffer();
                    for (int j = 0; j < d; j++) db[j] += dy[i * d + j];
                }
            }
        });
        return y;
    }

    /// <summary>Each group of <paramref name="group"/> columns divided by its L2 norm: y = x / sqrt(|x|² + eps).</summary>
    public static Tensor L2Normalize(Tape tape, Tensor x, int group, Real eps = (Real)1e-6)
    {
        if (x.Cols % group != 0) throw new ArgumentException($"L2 normalise: {x} is not in groups of {group}");
        int m = x.Rows, d = x.Cols, groups = d / group;
        var y = tape.Output(m, d, x);
        var inv = tape.Scratch(m * groups);
        for (int i = 0; i < m; i++)
        {
            for (int g = 0; g < groups; g++)
            {
                int o = i * d + g * group;
                Real ss = 0;
                for (int j = 0; j < group; j++) ss += x.Data[o + j] * x.Data[o + j];
                Real r = (Real)1 / RealMath.Sqrt(ss + eps);
                inv[i * groups + g] = r;
                for (int j = 0; j < group; j++) y.Data[o + j] = x.Data[o + j] * r;
            }
        }

        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            var dx = x.GradBuffer();
            for (int i = 0; i < m; i++)
            {
                for (int g = 0; g < groups; g++)
                {
                    int o = i * d + g * group;
                    Real r = inv[i * groups + g];
                    Real dot = 0;
                    for (int j = 0; j < group; j++) dot += dy[o + j] * y.Data[o + j];
                    for (int j = 0; j < group; j++) dx[o + j] += r * (dy[o + j] - y.Data[o + j] * dot);
                }
            }
        });
        return y;
    }

    /// <summary>Float64 scalar references.</summary>
    public static class Reference
    {
        /// <summary>RMSNorm.</summary>
        public static double[] RmsNorm(double[] x, double[] w, int m, int d, double eps = 1e-5)
        {
            var y = new double[m * d];
            for (int i = 0; i < m; i++)
            {
                double ss = 0;
                for (int j = 0; j < d; j++) ss += x[i * d + j] * x[i * d + j];
                double r = 1 / Math.Sqrt(ss / d + eps);
                for (int j = 0; j < d; j++) y[i * d + j] = x[i * d + j] * r * w[j];
            }

            return y;
        }

        /// <summary>LayerNorm.</summary>
        public static double[] LayerNorm(double[] x, double[] w, double[] b, int m, int d, double eps = 1e-5)
        {
            var y = new double[m * d];
            for (int i = 0; i < m; i++)
            {
                double mean = 0, v = 0;
                for (int j = 0; j < d; j++) mean += x[i * d + j];
                mean /= d;
                for (int j = 0; j < d; j++) v += (x[i * d + j] - mean) * (x[i * d + j] - mean);
                double r = 1 / Math.Sqrt(v / d + eps);
                for (int j = 0; j < d; j++) y[i * d + j] = (x[i * d + j] - mean) * r * w[j] + b[j];
            }

            return y;
        }

        /// <summary>Groupwise L2 normalisation.</summary>
        public static double[] L2Normalize(double[] x, int m, int d, int group, double eps = 1e-6)
        {
            var y = new double[m * d];
            for (int o = 0; o < m * d; o += group)
            {
                double ss = 0;
                for (int j = 0; j < group; j++) ss += x[o + j] * x[o + j];
                double r = 1 / Math.Sqrt(ss + eps);
                for (int j = 0; j < group; j++) y[o + j] = x[o + j] * r;
            }

            return y;
        }
    }
}
