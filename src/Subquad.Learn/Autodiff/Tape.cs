using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Subquad.Learn.Autodiff;

/// <summary>
/// Reverse-mode autodiff: every op appends a closure that pushes its output's gradient into its inputs' gradients,
/// and <see cref="Backward(Tensor, Real[])"/> runs the closures newest first. One tape per training step; parameters
/// outlive it and accumulate their gradients until the optimiser zeroes them.
/// </summary>
/// <remarks>
/// An op records a closure only when some input requires a gradient, and a closure writes an input's gradient only
/// when that input requires one, so constant inputs (data, masks) cost nothing on the way back.
/// </remarks>
public sealed class Tape
{
    private readonly List<Action> _backward = [];
    private readonly List<string> _ops = [];
    private long _mark = Stopwatch.GetTimestamp();
    private readonly TensorPool? _pool;
    private readonly List<Tensor> _outputs = [];
    private readonly List<Real[]> _scratch = [];

    /// <summary>A tape whose buffers are fresh arrays (nothing to release).</summary>
    public Tape()
    {
    }

    /// <summary>A tape whose outputs, gradients and scratch come from <paramref name="pool"/> until <see cref="Release"/>.</summary>
    public Tape(TensorPool pool)
    {
        _pool = pool;
    }

    /// <summary>
    /// Per-op seconds (forward, backward), keyed by the op's source file, when not null (the throughput benchmark
    /// sets it to find where a step's time goes). The forward time of an op is the time since the previous op was
    /// recorded, so it includes the glue between ops; only recorded ops (with a gradient) are counted.
    /// </summary>
    internal static Dictionary<string, (double Forward, double Backward)>? Profile { get; set; }

    /// <summary>Number of recorded backward closures.</summary>
    public int Count => _backward.Count;

    /// <summary>A new zeroed output that requires a gradient when any input does (from the pool on a pooled tape).</summary>
    public Tensor Output(int rows, int cols, params ReadOnlySpan<Tensor?> inputs) => Output(rows, cols, true, inputs);

    /// <summary>
    /// As <see cref="Output(int, int, ReadOnlySpan{Tensor?})"/>; with <paramref name="zeroed"/> false a pooled output's
    /// values are undefined, for an op that writes every value before anything reads it (clearing [8192 × 64..256]
    /// arrays that are overwritten next was a serial memory pass per op).
    /// </summary>
    public Tensor Output(int rows, int cols, bool zeroed, params ReadOnlySpan<Tensor?> inputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        bool grad = false;
        foreach (var t in inputs) grad |= t is { RequiresGrad: true };
        if (_pool is null) return new Tensor(rows, cols, grad);
        var y = new Tensor(rows, cols, _pool, grad, zeroed);
        _outputs.Add(y);
        return y;
    }

    /// <summary>
    /// A scratch array an op keeps for its backward (from the pool on a pooled tape, returned at <see cref="Release"/>),
    /// zeroed unless <paramref name="zeroed"/> is false: then its contents are undefined, for an op that writes every
    /// value before reading any (clearing the selective scan's stored states cost as much as writing them).
    /// </summary>
    public Real[] Scratch(int length, bool zeroed = true)
    {
        if (_pool is null) return zeroed ? new Real[length] : GC.AllocateUninitializedArray<Real>(length);
        var a = _pool.Rent(length, zeroed);
        _scratch.Add(a);
        return a;
    }

    /// <summary>
    /// Gives every output, gradient and scratch buffer this tape took from its pool back to it (no-op without a pool).
    /// Call it only when nothing made on this tape is needed any more: the outputs are emptied. Parameters are not
    /// the tape's and keep their values and gradients.
    /// </summary>
    public void Release()
    {
        if (_pool is null) return;
        foreach (var t in _outputs) t.Release();
        foreach (var a in _scratch) _pool.Return(a);
        _outputs.Clear();
        _scratch.Clear();
        _backward.Clear();
        _ops.Clear();
    }

    /// <summary>Records the backward closure of an op whose output is <paramref name="output"/>.</summary>
    public void Record(Tensor output, Action backward, [CallerFilePath] string op = "")
    {
        if (!output.RequiresGrad) return;
        _backward.Add(backward);
        if (Profile is { } profile)
        {
            string name = Path.GetFileNameWithoutExtension(op);
            long now = Stopwatch.GetTimestamp();
            var (f, b) = profile.GetValueOrDefault(name);
            profile[name] = (f + Stopwatch.GetElapsedTime(_mark, now).TotalSeconds, b);
            _mark = now;
            _ops.Add(name);
        }
    }

    /// <summary>Backward from a scalar loss (d loss / d loss = 1).</summary>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1) throw new ArgumentException($"{loss} is not a scalar; pass its seed gradient", nameof(loss));
        Backward(loss, [(Real)1]);
    }

    /// <summary>Backward from any output with a given seed gradient (tests seed random directions).</summary>
    public void Backward(Tensor output, Real[] seed)
    {
        if (seed.Length != output.Length) throw new ArgumentException($"seed has {seed.Length} values for {output}", nameof(seed));
        seed.AsSpan().CopyTo(output.GradBuffer());
        var profile = Profile;
        for (int i = _backward.Count - 1; i >= 0; i--)
        {
            long start = Stopwatch.GetTimestamp();
            _backward[i]();
            if (profile is not null && i < _ops.Count)
            {
                var (f, b) = profile.GetValueOrDefault(_ops[i]);
                profile[_ops[i]] = (f, b + Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        }

        _backward.Clear();
        _ops.Clear();
    }
}
