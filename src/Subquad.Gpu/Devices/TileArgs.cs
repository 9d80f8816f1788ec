using System.Runtime.InteropServices;

namespace Subquad.Gpu.Devices;

/// <summary>
/// The scalar arguments of one block-pair tile launch (<see cref="GpuKernels"/>): the rows in play, the filter bound and
/// the output capacity. Row indices are local to the task: left rows [RowFrom, RowTo), right rows [0, RowsB).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TileArgs
{
    /// <summary>Right rows of the task.</summary>
    public int RowsB;

    /// <summary>First left row of this launch (a task whose candidates overflow is re-run in row halves).</summary>
    public int RowFrom;

    /// <summary>One past the last left row of this launch.</summary>
    public int RowTo;

    /// <summary>Elements per row as read (floats, or 64-bit words).</summary>
    public int Dim;

    /// <summary>Elements between consecutive rows in the views.</summary>
    public int Stride;

    /// <summary>1 on a monochromatic diagonal task: only pairs with q &gt; p.</summary>
    public int Diagonal;

    /// <summary>1 when larger scores are better.</summary>
    public int Maximise;

    /// <summary>1 for binary cosine kinds (compare count * f_a * f_b in float32); 0 compares the count.</summary>
    public int Cosine;

    /// <summary>The float32 filter bound (dense values; binary cosines).</summary>
    public float Bound;

    /// <summary>The integer filter bound (binary inner products).</summary>
    public int BoundCount;

    /// <summary>Hits the output holds; more are counted, not written.</summary>
    public int Capacity;

    /// <summary>1 to keep each left row's best value (device-side reduction for exact and top-k).</summary>
    public int TrackBest;
}

/// <summary>Scalars of one attention launch.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AttentionArgs
{
    /// <summary>Rows (queries = keys = values).</summary>
    public int N;

    /// <summary>Embedding dimension m (query/key width).</summary>
    public int M;

    /// <summary>Output width d_out (value width).</summary>
    public int O;

    /// <summary>First query row of this launch (long inputs run in slices so no launch outlives the watchdog).</summary>
    public int RowOffset;
}
