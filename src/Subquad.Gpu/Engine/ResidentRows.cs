using ILGPU;
using ILGPU.Runtime;
using Subquad.Core.Engine;
using Subquad.Core.Vectors;
using Subquad.Gpu.Devices;

namespace Subquad.Gpu.Engine;

/// <summary>
/// Both sides of a solve copied to the device once, in the plan's position order (rows gathered through
/// <see cref="EngineContext.OrderA"/> / <see cref="EngineContext.OrderB"/>), with their per-position scale factors.
/// Used when they fit the device budget; otherwise runners upload each band and block as they go.
/// </summary>
internal sealed class ResidentRows : IDisposable
{
    private readonly List<IDisposable> _buffers = [];

    public ResidentRows(EngineContext context, GpuDevice device)
    {
        int dim = GpuTileRunner.RowLength(context);
        var acc = device.Accelerator;
        if (context.IsBinary)
        {
            BinaryA = UploadBinary(acc, context.BinaryA!, context.OrderA, context.CountA, dim);
            BinaryB = context.Monochromatic ? BinaryA : UploadBinary(acc, context.BinaryB!, context.OrderB, context.CountB, dim);
            ScaleA = UploadFloats(acc, context.InverseSqrtA.AsSpan(0, context.CountA));
            ScaleB = context.Monochromatic ? ScaleA : UploadFloats(acc, context.InverseSqrtB.AsSpan(0, context.CountB));
        }
        else
        {
            DenseA = UploadDense(acc, context.DenseA!, context.OrderA, context.CountA, dim);
            DenseB = context.Monochromatic ? DenseA : UploadDense(acc, context.DenseB!, context.OrderB, context.CountB, dim);
            ScaleA = UploadFloats(acc, context.ScaleA);
            ScaleB = context.Monochromatic ? ScaleA : UploadFloats(acc, context.ScaleB);
        }
    }

    public ArrayView<ulong> BinaryA { get; }

    public ArrayView<ulong> BinaryB { get; }

    public ArrayView<float> DenseA { get; }

    public ArrayView<float> DenseB { get; }

    public ArrayView<float> ScaleA { get; }

    public ArrayView<float> ScaleB { get; }

    /// <summary>Bytes the resident copy of a solve's rows takes on the device.</summary>
    public static long BytesFor(EngineContext context)
    {
        long rowBytes = context.IsBinary ? 8L * GpuTileRunner.RowLength(context) : 4L * GpuTileRunner.RowLength(context);
        long rows = context.CountA + (context.Monochromatic ? 0 : context.CountB);
        return rows * (rowBytes + 4);
    }

    /// <summary>Rows [start, start + rows) of the position order, d floats each, into <paramref name="stage"/>.</summary>
    public static void GatherDense(DenseVectors set, int[] order, int start, int rows, int dim, float[] stage)
    {
        int d = set.Dimensions;
        for (int r = 0; r < rows; r++)
        {
            var target = stage.AsSpan(r * dim, dim);
            if (d == 0) target.Clear();
            else set.Row(order[start + r]).CopyTo(target);
        }
    }

    /// <summary>Rows [start, start + rows) of the position order, their first <paramref name="dim"/> words, into <paramref name="stage"/>.</summary>
    public static void GatherBinary(BinaryVectors set, int[] order, int start, int rows, int dim, ulong[] stage)
    {
        for (int r = 0; r < rows; r++) set.Row(order[start + r])[..dim].CopyTo(stage.AsSpan(r * dim, dim));
    }

    private ArrayView<float> UploadDense(Accelerator acc, DenseVectors set, int[] order, int count, int dim) =>
        Upload<float>(acc, count, dim, (start, rows, stage) => GatherDense(set, order, start, rows, dim, stage));

    private ArrayView<ulong> UploadBinary(Accelerator acc, BinaryVectors set, int[] order, int count, int dim) =>
        Upload<ulong>(acc, count, dim, (start, rows, stage) => GatherBinary(set, order, start, rows, dim, stage));

    /// <summary>
    /// <paramref name="count"/> rows of <paramref name="dim"/> elements into one device buffer, gathered on the host
    /// 4,096 rows at a time (<paramref name="gather"/>(start, rows, stage)) so the staging copy stays small.
    /// </summary>
    private ArrayView<T> Upload<T>(Accelerator acc, int count, int dim, Action<int, int, T[]> gather)
        where T : unmanaged
    {
        var buffer = acc.Allocate1D<T>(Math.Max(1, (long)count * dim));
        _buffers.Add(buffer);
        const int chunk = 4096;
        var stage = new T[(long)Math.Min(count, chunk) * dim];
        for (int start = 0; start < count; start += chunk)
        {
            int rows = Math.Min(chunk, count - start);
            gather(start, rows, stage);
            buffer.View.AsContiguous().SubView((long)start * dim, (long)rows * dim).CopyFromCPU(stage.AsSpan(0, rows * dim));
        }

        return buffer.View.AsContiguous();
    }

    private ArrayView<float> UploadFloats(Accelerator acc, ReadOnlySpan<float> values)
    {
        var buffer = acc.Allocate1D<float>(Math.Max(1, values.Length));
        _buffers.Add(buffer);
        if (values.Length > 0) buffer.View.AsContiguous().SubView(0, values.Length).CopyFromCPU(values);
        return buffer.View.AsContiguous();
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
    }
}
