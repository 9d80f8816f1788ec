using ILGPU;
using ILGPU.Runtime;
using Subquad.Gpu.Devices;
using Subquad.Models.Attention;

namespace Subquad.Gpu.Attention;

/// <summary>
/// The attention unit of Def 2.1, softmax(X Q K^T X^T) X V (one head, no mask, no 1/sqrt(m)), on the device in
/// float32: the projections XQ, XK, XV on the host in float64 (O(n d m), rounded once to float32), then
/// <see cref="GpuKernels.AttentionRows"/> streams 64-key tiles past each 64-row query tile with the online softmax,
/// so device memory is O(n (m + d_out)) and the n x n score matrix never exists.
/// </summary>
/// <remarks>
/// Equality contract: float32 throughout the streaming part, so the result is within float32 rounding of
/// <see cref="AttentionReference"/> (tests: relative 1e-4 on rows whose softmax is not dominated by rounding of huge
/// scores); the CPU <see cref="AttentionEngine"/> in float32 is the like-for-like baseline. Long inputs run in slices
/// of query rows (<see cref="RowsPerLaunch"/>) so no single launch runs for minutes.
/// </remarks>
public sealed class GpuAttention : IAttentionMixer
{
    /// <summary>A mixer on <paramref name="device"/> (not owned).</summary>
    public GpuAttention(GpuDevice device) => Device = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>Query rows per launch (a multiple of 64).</summary>
    public int RowsPerLaunch { get; init; } = 1 << 16;

    /// <inheritdoc/>
    public string Name => Device.Kind == GpuDeviceKind.Cuda ? "attention(gpu,f32)" : "attention(ilgpu-cpu,f32)";

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights) => AttentionEngine.ExactCost(rows, weights);

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weights);
        if (x.Columns != weights.InputWidth) throw new ArgumentException($"X has {x.Columns} columns but d_in = {weights.InputWidth}", nameof(x));
        int n = x.Rows, m = weights.EmbeddingDimension, o = weights.OutputWidth;
        var output = new Matrix(n, o);
        if (n == 0 || o == 0) return output;
        var (q, k, v) = Project(x, weights, cancellationToken);
        var acc = Device.Accelerator;
        lock (Device.Gate)
        {
            using var dq = acc.Allocate1D<float>(Math.Max(1, q.Length));
            using var dk = acc.Allocate1D<float>(Math.Max(1, k.Length));
            using var dv = acc.Allocate1D<float>(v.Length);
            using var dout = acc.Allocate1D<float>((long)n * o);
            if (q.Length > 0)
            {
                dq.View.AsContiguous().CopyFromCPU(q.AsSpan());
                dk.View.AsContiguous().CopyFromCPU(k.AsSpan());
            }

            dv.View.AsContiguous().CopyFromCPU(v.AsSpan());
            dout.View.AsContiguous().MemSetToZero();
            int tile = Device.Kernels.TileRows;
            int slice = Math.Max(tile, RowsPerLaunch / tile * tile);
            for (int first = 0; first < n; first += slice)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(slice, n - first);
                var args = new AttentionArgs { N = n, M = m, O = o, RowOffset = first };
                var config = new KernelConfig(new Index1D((rows + tile - 1) / tile), new Index1D(Device.Kernels.GroupSize));
                Device.Kernels.Attention(config, dq.View.AsContiguous(), dk.View.AsContiguous(), dv.View.AsContiguous(), dout.View.AsContiguous(), args);
                acc.Synchronize();
            }

            var result = new float[(long)n * o];
            dout.View.AsContiguous().CopyToCPU(result.AsSpan());
            for (long e = 0; e < result.Length; e++) output.Data[e] = result[e];
        }

        return output;
    }

    /// <summary>XQ, XK (n x m) and XV (n x o) in float64 over the nonzeros of each row of X, rounded to float32.</summary>
    internal static (float[] Q, float[] K, float[] V) Project(Matrix x, AttentionWeights weights, CancellationToken cancellationToken)
    {
        int n = x.Rows, d = x.Columns, m = weights.EmbeddingDimension, o = weights.OutputWidth;
        var q = new float[(long)n * m];
        var k = new float[(long)n * m];
        var v = new float[(long)n * o];
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, (n + 1023) / 1024, options, () => (new double[m], new double[m], new double[o]), (chunk, _, scratch) =>
        {
            var (rq, rk, rv) = scratch;
            for (int i = chunk * 1024; i < Math.Min(n, (chunk + 1) * 1024); i++)
            {
                Array.Clear(rq);
                Array.Clear(rk);
                Array.Clear(rv);
                for (int c = 0; c < d; c++)
                {
                    double xc = x[i, c];
                    if (xc == 0) continue;
                    for (int e = 0; e < m; e++)
                    {
                        rq[e] += xc * weights.Q[c, e];
                        rk[e] += xc * weights.K[c, e];
                    }

                    for (int e = 0; e < o; e++) rv[e] += xc * weights.V[c, e];
                }

                for (int e = 0; e < m; e++)
                {
                    q[((long)i * m) + e] = (float)rq[e];
                    k[((long)i * m) + e] = (float)rk[e];
                }

                for (int e = 0; e < o; e++) v[((long)i * o) + e] = (float)rv[e];
            }

            return scratch;
        }, _ => { });
        return (q, k, v);
    }
}
