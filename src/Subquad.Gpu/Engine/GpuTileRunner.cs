using ILGPU;
using ILGPU.Runtime;
using Subquad.Core.Engine;
using Subquad.Gpu.Devices;

namespace Subquad.Gpu.Engine;

/// <summary>
/// Runs a block-pair task on the device: the whole task's tile of pairs in one launch, filtered there by the proven
/// bound, survivors re-scored exactly on the host and offered to the reducer, so answers are the oracle's to the bit.
/// </summary>
/// <remarks>
/// <para>Rows reach the device either once per solve (<see cref="ResidentRows"/>, when both sides fit the device budget)
/// or per task from the host (the left band once per band, the right block per task): an instance larger than device
/// memory is tiled from the host, never refused.</para>
/// <para>Reduction on the device. The filter bound of a launch is fixed (the reducer's bound at launch time, widened by
/// the error bound). When more pairs pass than the hit buffer holds, exact and top-k solves take a tighter bound from
/// the device: each left row's best value is kept by an atomic max, and the k-th best of those row bests, less the
/// error bound, is a lower bound on the k-th best exact score among this launch's pairs (k distinct rows give k
/// distinct pairs). The launch is repeated with it. If the hits still overflow (many near-ties), or the reducer is a
/// decision or a join, the launch is split into halves of left rows until it fits; a single left row always fits,
/// because the buffer holds at least a block of hits.</para>
/// </remarks>
internal sealed class GpuTileRunner : ITileRunner, IDisposable
{
    private const double CosineMargin = 1e-6;
    private readonly EngineContext _context;
    private readonly GpuSolveScope _scope;
    private readonly GpuDevice _device;
    private readonly int _capacity;
    private readonly int _dim;
    private readonly bool _binary;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _hits;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _counter;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _rowBest;
    private readonly int[] _hostHits;
    private readonly int[] _hostRowBest;
    private readonly int[] _worst;
    private readonly int[] _count = new int[1];

    // Streamed rows (null when resident).
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _bandDense, _blockDense, _bandScale, _blockScale;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense>? _bandBinary, _blockBinary;
    private readonly float[] _stageDense = [];
    private readonly ulong[] _stageBinary = [];
    private int _band = -1;

    public GpuTileRunner(EngineContext context, GpuSolveScope scope)
    {
        _context = context;
        _scope = scope;
        _device = scope.Device;
        _binary = context.IsBinary;
        _dim = RowLength(context);
        int rows = context.Plan.BlockRows;
        // A task has at most rows^2 pairs: no buffer larger than that (small instances allocate little).
        _capacity = (int)Math.Max(rows, Math.Min(scope.Capacity, (long)rows * rows));
        var acc = _device.Accelerator;
        lock (_device.Gate)
        {
            _hits = acc.Allocate1D<int>(3L * _capacity);
            _counter = acc.Allocate1D<int>(1);
            _rowBest = acc.Allocate1D<int>(rows);
            if (scope.Resident(context) is null)
            {
                if (_binary)
                {
                    _bandBinary = acc.Allocate1D<ulong>((long)rows * _dim);
                    _blockBinary = acc.Allocate1D<ulong>((long)rows * _dim);
                    _stageBinary = new ulong[(long)rows * _dim];
                }
                else
                {
                    _bandDense = acc.Allocate1D<float>((long)rows * _dim);
                    _blockDense = acc.Allocate1D<float>((long)rows * _dim);
                    _stageDense = new float[(long)rows * _dim];
                }

                _bandScale = acc.Allocate1D<float>(rows);
                _blockScale = acc.Allocate1D<float>(rows);
            }
        }

        _hostHits = new int[3 * _capacity];
        _hostRowBest = new int[rows];
        _worst = Enumerable.Repeat(int.MinValue, rows).ToArray();
    }

    /// <summary>Elements per row on the device: d floats, or ceil(l / 64) words (the input's padding words are zero and skipped).</summary>
    public static int RowLength(EngineContext context) => context.IsBinary
        ? Math.Max(1, (context.Dimensions + 63) / 64)
        : Math.Max(1, context.Dimensions);

    public void Run(in BlockPairTask task, PairReducer reducer)
    {
        int rowsA = task.EndA - task.StartA, rowsB = task.EndB - task.StartB;
        if (rowsA <= 0 || rowsB <= 0) return;
        int k = reducer switch
        {
            BestPairReducer => 1,
            TopPairsReducer top => top.K,
            _ => 0,
        };
        var views = Stage(task);
        double error = _binary ? 0 : DenseError(task);
        RunRange(task, reducer, views, error, k, 0, rowsA);
    }

    private void RunRange(in BlockPairTask task, PairReducer reducer, TaskViews views, double error, int k, int from, int to)
    {
        if (reducer.StopBeforeRow(task.StartA + from)) return;
        int count = Launch(task, views, reducer.FilterValue, error, k > 0, from, to);
        if (count <= _capacity)
        {
            Offer(task, reducer, error, count);
            return;
        }

        if (k > 0 && DerivedBound(reducer, error, k, from, to) is double derived)
        {
            count = Launch(task, views, derived, error, false, from, to);
            if (count <= _capacity)
            {
                Offer(task, reducer, error, count);
                return;
            }
        }

        if (to - from <= 1) throw new InvalidOperationException($"one left row gave {count} hits, more than the buffer's {_capacity} (at least a block)");
        int mid = from + ((to - from) / 2);
        RunRange(task, reducer, views, error, k, from, mid);
        RunRange(task, reducer, views, error, k, mid, to);
    }

    /// <summary>
    /// The k-th best of the rows' device-side best values, turned into a lower (maximising) or upper (minimising)
    /// bound on the k-th best exact score among the launch's pairs, combined with the reducer's; null when fewer
    /// than k rows had a pair or the bound is no tighter.
    /// </summary>
    private double? DerivedBound(PairReducer reducer, double error, int k, int from, int to)
    {
        var keys = new List<int>(to - from);
        for (int r = from; r < to; r++)
        {
            if (_hostRowBest[r] != int.MinValue) keys.Add(_hostRowBest[r]);
        }

        if (keys.Count < k || double.IsInfinity(error)) return null;
        keys.Sort();
        bool maximise = _context.Maximise;
        double kth = GpuKernels.FromOrderKey(keys[^k]);
        if (!maximise) kth = -kth;
        double bound;
        if (!_binary) bound = maximise ? kth - error : kth + error;
        else if (!_context.Cosine) bound = kth;
        else bound = maximise ? kth * (1 - CosineMargin) : kth * (1 + CosineMargin);
        double current = reducer.FilterValue;
        if (double.IsNaN(bound)) return null;
        return maximise ? (bound > current ? bound : null) : (bound < current ? bound : null);
    }

    /// <summary>One launch over left rows [from, to); returns the number of hits (possibly more than were written).</summary>
    private int Launch(in BlockPairTask task, TaskViews views, double filter, double error, bool trackBest, int from, int to)
    {
        bool maximise = _context.Maximise;
        var args = new TileArgs
        {
            RowsB = task.EndB - task.StartB,
            RowFrom = from,
            RowTo = to,
            Dim = _dim,
            Stride = _dim,
            Diagonal = task.Diagonal ? 1 : 0,
            Maximise = maximise ? 1 : 0,
            Cosine = _context.Cosine ? 1 : 0,
            Capacity = _capacity,
            TrackBest = trackBest ? 1 : 0,
        };
        if (_binary)
        {
            BinaryThresholds(filter, maximise, _context.Cosine, out args.BoundCount, out args.Bound);
        }
        else
        {
            args.Bound = DenseThreshold(filter, error, maximise);
        }

        var config = _device.Kernels.TileConfig(args);
        int rowsA = task.EndA - task.StartA;
        lock (_device.Gate)
        {
            _counter.View.AsContiguous().MemSetToZero();
            if (trackBest) _rowBest.View.AsContiguous().SubView(0, rowsA).CopyFromCPU(_worst.AsSpan(0, rowsA));
            if (_binary)
            {
                _device.Kernels.Binary(config, views.BinaryA, views.BinaryB, views.ScaleA, views.ScaleB, _hits.View.AsContiguous(), _counter.View.AsContiguous(), _rowBest.View.AsContiguous(), args);
            }
            else
            {
                _device.Kernels.Dense(config, views.DenseA, views.DenseB, views.ScaleA, views.ScaleB, _hits.View.AsContiguous(), _counter.View.AsContiguous(), _rowBest.View.AsContiguous(), args);
            }

            _device.Accelerator.Synchronize();
            _counter.View.AsContiguous().CopyToCPU(_count.AsSpan());
            int count = _count[0];
            int written = Math.Min(count, _capacity);
            if (written > 0) _hits.View.AsContiguous().SubView(0, 3L * written).CopyToCPU(_hostHits.AsSpan(0, 3 * written));
            if (trackBest && count > _capacity) _rowBest.View.AsContiguous().SubView(0, rowsA).CopyToCPU(_hostRowBest.AsSpan(0, rowsA));
            return count;
        }
    }

    /// <summary>Offers the launch's hits in (p, q) order, each re-tested at the reducer's current bound first.</summary>
    private void Offer(in BlockPairTask task, PairReducer reducer, double error, int count)
    {
        if (count == 0) return;
        var c = _context;
        var order = new long[count];
        for (int h = 0; h < count; h++) order[h] = ((long)_hostHits[3 * h] << 32) | (uint)_hostHits[(3 * h) + 1];
        var slots = new int[count];
        for (int h = 0; h < count; h++) slots[h] = h;
        Array.Sort(order, slots);
        bool maximise = c.Maximise;
        int lastRow = -1;
        foreach (int h in slots)
        {
            int p = task.StartA + _hostHits[3 * h], q = task.StartB + _hostHits[(3 * h) + 1], payload = _hostHits[(3 * h) + 2];
            if (p != lastRow)
            {
                if (reducer.StopBeforeRow(p)) return;
                lastRow = p;
            }

            if (_binary)
            {
                BinaryThresholds(reducer.FilterValue, maximise, c.Cosine, out int boundCount, out float boundCosine);
                bool pass = c.Cosine
                    ? (maximise ? payload * (c.InverseSqrtA[p] * c.InverseSqrtB[q]) >= boundCosine : payload * (c.InverseSqrtA[p] * c.InverseSqrtB[q]) <= boundCosine)
                    : (maximise ? payload >= boundCount : payload <= boundCount);
                if (!pass) continue;
                var (i, j) = c.Original(p, q);
                reducer.Offer(i, j, c.BinaryScore(i, j, payload));
            }
            else
            {
                float value = BitConverter.Int32BitsToSingle(payload);
                float bound = DenseThreshold(reducer.FilterValue, error, maximise);
                if (maximise ? value < bound : value > bound) continue; // NaN passes
                var (i, j) = c.Original(p, q);
                reducer.Offer(i, j, c.DenseScore(i, j));
            }
        }
    }

    private double DenseError(in BlockPairTask task)
    {
        var c = _context;
        return GpuErrorBound.For(c.Cosine, c.Dimensions, c.BandMinNormA[task.BandA], c.BandMaxNormA[task.BandA], c.BandMinNormB[task.BandB], c.BandMaxNormB[task.BandB]);
    }

    /// <summary>The task's rows on the device: slices of the resident copy, or the band and block uploaded now.</summary>
    private TaskViews Stage(in BlockPairTask task)
    {
        var c = _context;
        int rowsA = task.EndA - task.StartA, rowsB = task.EndB - task.StartB;
        if (_scope.Resident(c) is { } resident)
        {
            return new TaskViews(
                _binary ? resident.BinaryA.SubView((long)task.StartA * _dim, (long)rowsA * _dim) : default,
                _binary ? resident.BinaryB.SubView((long)task.StartB * _dim, (long)rowsB * _dim) : default,
                _binary ? default : resident.DenseA.SubView((long)task.StartA * _dim, (long)rowsA * _dim),
                _binary ? default : resident.DenseB.SubView((long)task.StartB * _dim, (long)rowsB * _dim),
                resident.ScaleA.SubView(task.StartA, rowsA),
                resident.ScaleB.SubView(task.StartB, rowsB));
        }

        if (_band != task.BandA)
        {
            Upload(isA: true, task.StartA, rowsA, _binary ? _bandBinary!.View.AsContiguous() : default, _binary ? default : _bandDense!.View.AsContiguous(), _bandScale!.View.AsContiguous());
            _band = task.BandA;
        }

        bool same = task.Diagonal;
        if (!same) Upload(isA: false, task.StartB, rowsB, _binary ? _blockBinary!.View.AsContiguous() : default, _binary ? default : _blockDense!.View.AsContiguous(), _blockScale!.View.AsContiguous());
        return new TaskViews(
            _binary ? _bandBinary!.View.AsContiguous().SubView(0, (long)rowsA * _dim) : default,
            _binary ? (same ? _bandBinary! : _blockBinary!).View.AsContiguous().SubView(0, (long)rowsB * _dim) : default,
            _binary ? default : _bandDense!.View.AsContiguous().SubView(0, (long)rowsA * _dim),
            _binary ? default : (same ? _bandDense! : _blockDense!).View.AsContiguous().SubView(0, (long)rowsB * _dim),
            _bandScale!.View.AsContiguous().SubView(0, rowsA),
            (same ? _bandScale! : _blockScale!).View.AsContiguous().SubView(0, rowsB));
    }

    private void Upload(bool isA, int start, int rows, ArrayView<ulong> binary, ArrayView<float> dense, ArrayView<float> scale)
    {
        var c = _context;
        int[] order = isA ? c.OrderA : c.OrderB;
        if (_binary)
        {
            ResidentRows.GatherBinary(isA ? c.BinaryA! : c.BinaryB!, order, start, rows, _dim, _stageBinary);
        }
        else
        {
            ResidentRows.GatherDense(isA ? c.DenseA! : c.DenseB!, order, start, rows, _dim, _stageDense);
        }

        float[] scales = _binary ? (isA ? c.InverseSqrtA : c.InverseSqrtB) : (isA ? c.ScaleA : c.ScaleB);
        lock (_device.Gate)
        {
            if (_binary) binary.SubView(0, (long)rows * _dim).CopyFromCPU(_stageBinary.AsSpan(0, rows * _dim));
            else dense.SubView(0, (long)rows * _dim).CopyFromCPU(_stageDense.AsSpan(0, rows * _dim));
            scale.SubView(0, rows).CopyFromCPU(scales.AsSpan(start, rows));
        }
    }

    /// <summary>The CPU dense tile's float32 filter threshold: L -+ E rounded outwards (ties pass); one arithmetic for both devices.</summary>
    internal static float DenseThreshold(double bound, double error, bool maximise) => DenseFilter.Threshold(bound, error, maximise);

    /// <summary>The CPU binary tile's thresholds (<see cref="CandidateFilter.Update"/>): the integer bound for inner products, the widened float32 cosine bound.</summary>
    internal static void BinaryThresholds(double bound, bool maximise, bool cosine, out int boundCount, out float boundCosine)
    {
        var filter = new CandidateFilter(maximise, cosine);
        filter.Update(bound);
        boundCount = filter.Count;
        boundCosine = filter.CosineBound;
    }

    public void Dispose()
    {
        lock (_device.Gate)
        {
            _hits.Dispose();
            _counter.Dispose();
            _rowBest.Dispose();
            _bandDense?.Dispose();
            _blockDense?.Dispose();
            _bandScale?.Dispose();
            _blockScale?.Dispose();
            _bandBinary?.Dispose();
            _blockBinary?.Dispose();
        }
    }

    private readonly record struct TaskViews(
        ArrayView<ulong> BinaryA, ArrayView<ulong> BinaryB, ArrayView<float> DenseA, ArrayView<float> DenseB, ArrayView<float> ScaleA, ArrayView<float> ScaleB);
}
