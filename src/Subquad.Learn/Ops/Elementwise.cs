using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>Same-shape sums and products, scaling, and column slices (how a fused projection is split).</summary>
public static class Elementwise
{
    /// <summary>a + b.</summary>
    public static Tensor Add(Tape tape, Tensor a, Tensor b)
    {
        SameShape(a, b, "add");
        var y = tape.Output(a.Rows, a.Cols, zeroed: false, a, b);
        VectorMap.Map<Sum>(a.Data, b.Data, y.Data, Cost);
        tape.Record(y, () =>
        {
            if (a.RequiresGrad) VectorMap.Map<Sum>(a.GradBuffer(), y.Grad!, a.GradBuffer(), Cost);
            if (b.RequiresGrad) VectorMap.Map<Sum>(b.GradBuffer(), y.Grad!, b.GradBuffer(), Cost);
        });
        return y;
    }

    /// <summary>a ⊙ b.</summary>
    public static Tensor Mul(Tape tape, Tensor a, Tensor b)
    {
        SameShape(a, b, "mul");
        var y = tape.Output(a.Rows, a.Cols, zeroed: false, a, b);
        VectorMap.Map<Product>(a.Data, b.Data, y.Data, Cost);
        tape.Record(y, () =>
        {
            if (a.RequiresGrad) VectorMap.MultiplyAdd<First>(y.Grad!, b.Data, b.Data, a.GradBuffer(), Cost);
            if (b.RequiresGrad) VectorMap.MultiplyAdd<First>(y.Grad!, a.Data, a.Data, b.GradBuffer(), Cost);
        });
        return y;
    }

    /// <summary>Columns [start, start + count) of x.</summary>
    public static Tensor Columns(Tape tape, Tensor x, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > x.Cols) throw new ArgumentOutOfRangeException(nameof(start), $"columns {start}..{start + count} of {x}");
        var y = tape.Output(x.Rows, count, zeroed: false, x);
        int rows = x.Rows, cols = x.Cols, blocks = (rows + RowBlock - 1) / RowBlock;
        LearnThreads.For(blocks, (long)RowBlock * count * Cost, blk =>
        {
            for (int i = blk * RowBlock, end = Math.Min(rows, i + RowBlock); i < end; i++) x.Data.AsSpan(i * cols + start, count).CopyTo(y.Data.AsSpan(i * count, count));
        });
        tape.Record(y, () =>
        {
            var dx = x.GradBuffer();
            var dy = y.Grad!;
            LearnThreads.For(blocks, (long)RowBlock * count * Cost, blk =>
            {
                for (int i = blk * RowBlock, end = Math.Min(rows, i + RowBlock); i < end; i++)
                {
                    var d = dx.AsSpan(i * cols + start, count);
                    TensorPrimitives.Add(d, dy.AsSpan(i * count, count), d);
                }
            });
        });
        return y;
    }

    /// <summary>
    /// Work estimate per value for <see cref="LearnThreads"/>: these passes are memory-bound, but on the models'
    /// [8192 × 64..256] arrays two cores still stream them faster than one.
    /// </summary>
    private const int Cost = 8;

    /// <summary>Rows per parallel block of <see cref="Columns"/>.</summary>
    private const int RowBlock = 256;

    private readonly struct Sum : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => a + b;
    }

    private readonly struct Product : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => a * b;
    }

    private readonly struct First : IVectorFunction
    {
        public static Vector512<Real> Apply(Vector512<Real> a, Vector512<Real> b) => a;
    }

    private static void SameShape(Tensor a, Tensor b, string op)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols) throw new ArgumentException($"{op}: {a} and {b} differ in shape");
    }
}
