using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// y = x W + b with W stored [in, out] (the transpose of PyTorch's nn.Linear weight; the fixture script uses the
/// same layout). Backward: dx = dy Wᵀ, dW = xᵀ dy, db = column sums of dy.
/// </summary>
public static class Linear
{
    /// <summary>x [rows, in] times W [in, out] plus optional b [1, out].</summary>
    public static Tensor Apply(Tape tape, Tensor x, Tensor w, Tensor? b = null)
    {
        if (x.Cols != w.Rows) throw new ArgumentException($"linear: {x} times {w}");
        if (b is not null && (b.Rows != 1 || b.Cols != w.Cols)) throw new ArgumentException($"linear: bias {b} for {w}");
        int m = x.Rows, k = x.Cols, n = w.Cols;
        var y = tape.Output(m, n, zeroed: b is null, x, w, b); // with a bias every row starts as a copy of it
        if (b is not null)
        {
            for (int i = 0; i < m; i++) b.Data.AsSpan().CopyTo(y.Row(i));
        }

        MatMul.AddAB(x.Data, w.Data, y.Data, m, k, n);
        tape.Record(y, () =>
        {
            var dy = y.Grad!;
            if (x.RequiresGrad) MatMul.AddABt(dy, w.Data, x.GradBuffer(), m, n, k);
            if (w.RequiresGrad) MatMul.AddAtB(x.Data, dy, w.GradBuffer(), m, k, n);
            if (b is { RequiresGrad: true }) ColumnSums(dy, m, n, b.GradBuffer());
        });
        return y;
    }

    /// <summary>Rows of a [rows × n] block per partial sum of <see cref="ColumnSums"/> (fixed, so the sum does not depend on threads).</summary>
    internal const int SumBlock = 512;

    /// <summary>
    /// db += column sums of dy [m, n]: vector adds of whole rows into a partial sum per block of <see cref="SumBlock"/>
    /// rows (blocks in parallel), the partials added in block order. It was a scalar double loop over every value of dy.
    /// </summary>
    internal static void ColumnSums(Real[] dy, int m, int n, Real[] db)
    {
        int blocks = (m + SumBlock - 1) / SumBlock;
        var partial = System.Buffers.ArrayPool<Real>.Shared.Rent(blocks * n);
        try
        {
            LearnThreads.For(blocks, (long)SumBlock * n, blk =>
            {
                var acc = partial.AsSpan(blk * n, n);
                acc.Clear();
                for (int i = blk * SumBlock, end = Math.Min(m, i + SumBlock); i < end; i++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(acc, dy.AsSpan(i * n, n), acc);
                }
            });
            for (int blk = 0; blk < blocks; blk++)
            {
                var part = partial.AsSpan(blk * n, n);
                System.Numerics.Tensors.TensorPrimitives.Add(db.AsSpan(0, n), part, db.AsSpan(0, n));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<Real>.Shared.Return(partial);
        }
    }

    /// <summary>Float64 scalar reference.</summary>
    public static class Reference
    {
        /// <summary>y = x W + b.</summary>
        public static double[] Forward(double[] x, double[] w, double[]? b, int m, int k, int n)
        {
            var y = new double[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = b is null ? 0 : b[j];
                    for (int p = 0; p < k; p++) s += x[i * k + p] * w[p * n + j];
                    y[i * n + j] = s;
                }
            }

            return y;
        }
    }
}
