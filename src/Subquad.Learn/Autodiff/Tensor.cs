namespace Subquad.Learn.Autodiff;

/// <summary>
/// A row-major float32 matrix with an optional gradient of the same shape. Every activation in Learn is a matrix:
/// a batch of sequences is [batch * length, width] with the batch and length passed to the ops that need them
/// (attention, convolution, scans), so one type and one layout serve every op.
/// </summary>
public sealed class Tensor
{
    /// <summary>A zero tensor.</summary>
    public Tensor(int rows, int cols, bool requiresGrad = false, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        Data = new Real[checked(rows * cols)];
        RequiresGrad = requiresGrad;
        Name = name;
    }

    /// <summary>A tensor over existing values (not copied).</summary>
    public Tensor(int rows, int cols, Real[] data, bool requiresGrad = false, string? name = null)
    {
        if (data.Length != rows * cols) throw new ArgumentException($"{data.Length} values for a {rows}x{cols} tensor", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
        RequiresGrad = requiresGrad;
        Name = name;
    }

    /// <summary>A tensor whose values (and later its gradient) come from <paramref name="pool"/> (<see cref="Tape.Output(int, int, bool, ReadOnlySpan{Tensor?})"/> on a pooled tape).</summary>
    internal Tensor(int rows, int cols, TensorPool pool, bool requiresGrad, bool zeroed = true)
    {
        Rows = rows;
        Cols = cols;
        Data = pool.Rent(checked(rows * cols), zeroed);
        RequiresGrad = requiresGrad;
        _pool = pool;
    }

    private readonly TensorPool? _pool;

    /// <summary>Row count.</summary>
    public int Rows { get; }

    /// <summary>Column count.</summary>
    public int Cols { get; }

    /// <summary>Values, row-major.</summary>
    public Real[] Data { get; private set; }

    /// <summary>d(loss)/d(value), allocated on first use; null while nothing flowed back.</summary>
    public Real[]? Grad { get; private set; }

    /// <summary>True for parameters and for anything computed from one.</summary>
    public bool RequiresGrad { get; }

    /// <summary>Parameter name (fixtures and checkpoints address parameters by it).</summary>
    public string? Name { get; }

    /// <summary>Rows * Cols.</summary>
    public int Length => Data.Length;

    /// <summary>One row of values.</summary>
    public Span<Real> Row(int r) => Data.AsSpan(r * Cols, Cols);

    /// <summary>The gradient buffer, created zeroed when absent.</summary>
    public Real[] GradBuffer() => Grad ??= _pool?.Rent(Data.Length) ?? new Real[Data.Length];

    /// <summary>
    /// Hands the values and gradient back to the pool (the tape that made this tensor, after its step). The tensor keeps
    /// its shape but holds no values afterwards, so a stale use fails on a length check instead of reading another
    /// step's numbers.
    /// </summary>
    internal void Release()
    {
        if (_pool is null) return;
        _pool.Return(Data);
        if (Grad is not null) _pool.Return(Grad);
        Data = [];
        Grad = null;
    }

    /// <summary>Forgets the gradient (parameters between steps).</summary>
    public void ZeroGrad()
    {
        if (Grad is not null) Array.Clear(Grad);
    }

    /// <summary>Shape as "RxC" for messages.</summary>
    public override string ToString() => $"{Name ?? "tensor"}[{Rows}x{Cols}]";
}
