namespace Subquad.Learn.Autodiff;

/// <summary>
/// Arrays kept across training steps, so a step reuses the previous step's activation, gradient and scratch buffers
/// instead of allocating them again. Why: a training step of the attention model allocates a few hundred MB
/// of [8192 × 64..192] arrays on the large-object heap; fresh ones cost page faults on first touch and gen-2
/// collections, which the profile put at about 40% of a step. A step has the same shapes as the last, so exact-length
/// buckets hit every time after the first step.
/// </summary>
/// <remarks>
/// A rented array is always zeroed (ops and gradients accumulate into what they get, as into a fresh array), so a run
/// with a pool computes bit for bit what the same run without one computes (a test checks this). Thread-safe: a lock
/// around the buckets (a step rents a few hundred arrays; ops' parallel bodies never rent).
/// </remarks>
public sealed class TensorPool
{
    private readonly Dictionary<int, Stack<Real[]>> _free = [];
    private readonly object _gate = new();

    /// <summary>Arrays handed out that came from the pool (reused), for tests and the benchmark.</summary>
    public long Reused { get; private set; }

    /// <summary>Arrays handed out that had to be allocated.</summary>
    public long Allocated { get; private set; }

    /// <summary>Values currently held for reuse.</summary>
    public long HeldValues { get; private set; }

    /// <summary>An array of exactly <paramref name="length"/> values, zeroed unless <paramref name="zeroed"/> is false (then undefined).</summary>
    public Real[] Rent(int length, bool zeroed = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return [];
        Real[]? array = null;
        lock (_gate)
        {
            if (_free.TryGetValue(length, out var stack) && stack.TryPop(out array))
            {
                Reused++;
                HeldValues -= length;
            }
            else
            {
                Allocated++;
            }
        }

        if (array is null) return zeroed ? new Real[length] : GC.AllocateUninitializedArray<Real>(length);
        if (zeroed) Clear(array);
        return array;
    }

    /// <summary>Zeroes a reused array, large ones in parallel blocks (every gradient buffer of a step passes here).</summary>
    private static void Clear(Real[] array)
    {
        const int Block = 1 << 16;
        int blocks = (array.Length + Block - 1) / Block;
        LearnThreads.For(blocks, Block, b => array.AsSpan(b * Block, Math.Min(Block, array.Length - b * Block)).Clear());
    }

    /// <summary>Gives <paramref name="array"/> back; the caller must hold no other reference to it.</summary>
    public void Return(Real[] array)
    {
        if (array.Length == 0) return;
        lock (_gate)
        {
            if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<Real[]>();
            stack.Push(array);
            HeldValues += array.Length;
        }
    }

    /// <summary>Drops every held array (e.g. between curriculum stages, whose shapes differ).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _free.Clear();
            HeldValues = 0;
        }
    }
}
