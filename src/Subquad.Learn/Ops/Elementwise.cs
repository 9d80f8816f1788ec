using System.Numerics.Tensors;
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
        var y = tape.Output(a.Rows, a.Cols, a, b);
        TensorPrimitives.Add(a.Data, b.Data, y.Data);
        tape.Record(y, () =>
        {
            if (a.RequiresGrad) TensorPrimitives.Add(a.GradBuffer(), y.Grad!, a.GradBuffer());
            if (b.RequiresGrad) TensorPrimitives.Add(b.GradBuffer(), y.Grad!, b.GradBuffer());
        });
        return y;
    }

    /// <summary>a ⊙ b.</summary>
    public static Tensor Mul(Tape tape, Tensor a, Tensor b)
    {
        SameShape(a, b, "mul");
        var y = tape.Output(a.Rows, a.Cols, a, b);
        TensorPrimitives.Multiply(a.Data, b.Data, y.Data);
        tape.Record(y, () =>
        {
            if (a.RequiresGrad) TensorPrimitives.MultiplyAdd(y.Grad!, b.Data, a.GradBuffer(), a.GradBuffer());
            if (b.RequiresGrad) TensorPrimitives.MultiplyAdd(y.Grad!, a.Data, b.GradBuffer(), b.GradBuffer());
        });
        return y;
    }

    /// <summary>Columns [start, start + count) of x.</summary>
    public static Tensor Columns(Tape tape, Tensor x, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > x.Cols) throw new ArgumentOutOfRangeException(nameof(start), $"columns {start}..{start + count} of {x}");
        var y = tape.Output(x.Rows, count, x);
        for (int i = 0; i < x.Rows; i++) x.Data.AsSpan(i * x.Cols + start, count).CopyTo(y.Row(i));
        tape.Record(y, () =>
        {
            var dx = x.GradBuffer();
            var dy = y.Grad!;
            for (int i = 0; i < x.Rows; i++)
            {
                var d = dx.AsSpan(i * x.Cols + start, count);
                TensorPrimitives.Add(d, dy.AsSpan(i * count, count), d);
            }
        });
        return y;
    }

    private static void SameShape(Tensor a, Tensor b, string op)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols) throw new ArgumentException($"{op}: {a} and {b} differ in shape");
    }
}
