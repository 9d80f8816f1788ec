using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace Subquad.Gpu.Devices;

/// <summary>
/// The device kernels, written once for ILGPU (CUDA and the CPU accelerator run the same code).
/// </summary>
/// <remarks>
/// <para>Block-pair tiles (<see cref="DenseTile"/>, <see cref="BinaryTile"/>): each group of 256 threads owns a
/// 64 x 64 tile of (left row p, right row q) pairs; each thread a 4 x 4 register micro-tile of rows ty + 16 i and
/// columns tx + 16 j (strided, so shared-memory reads are conflict-free). Rows are staged through shared memory in
/// k-chunks (16 floats or 8 words) transposed to [k][row]. Every pair whose value passes the filter bound is appended
/// (p, q, value bits or count) at an atomically claimed slot; slots beyond the capacity are counted, not written, so
/// the host knows to re-run. With TrackBest each row's best value (as an order-preserving int) is kept by an atomic
/// max: the device-side reduction that gives exact and top-k solves a tight bound before any pair is re-scored.</para>
/// <para>Arithmetic mirrors the CPU tiles exactly where exactness matters: binary counts are exact integers and the
/// cosine value is count * (f_a * f_b) in float32, as <c>BinaryTileRunner</c> computes it; dense values are the
/// float32 inner product times the float32 1/||x|| and 1/||y|| (in that order), whose distance from the oracle's
/// float64 score <see cref="Engine.GpuErrorBound"/> bounds for any summation order, fused or not.</para>
/// </remarks>
internal sealed class GpuKernels
{
    /// <summary>Rows per side of a group's tile on a GPU (the shared-memory arrays are sized for it).</summary>
    public const int Tile = 64;

    private const int DenseChunk = 16;
    private const int BinaryChunk = 8;
    private const int ScoreStride = Tile + 1;

    /// <summary>
    /// Loads the kernels in the GPU geometry (16 x 16 threads, 64-row tiles), or, on the CPU accelerator where every
    /// group thread is a host thread, in the emulation geometry (2 x 2 threads, 8-row tiles): the same code with a
    /// smaller constant, measured 1.4 s per single-task solve with 256-thread groups on 2 shared cores.
    /// </summary>
    public GpuKernels(Accelerator accelerator, bool emulated)
    {
        Side = emulated ? default(EmulatedShape).Side : default(DeviceShape).Side;
        if (emulated)
        {
            Dense = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, TileArgs>(DenseTile<EmulatedShape>);
            Binary = accelerator.LoadStreamKernel<ArrayView<ulong>, ArrayView<ulong>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, TileArgs>(BinaryTile<EmulatedShape>);
            Attention = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionRows<EmulatedShape>);
        }
        else
        {
            Dense = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, TileArgs>(DenseTile<DeviceShape>);
            Binary = accelerator.LoadStreamKernel<ArrayView<ulong>, ArrayView<ulong>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, TileArgs>(BinaryTile<DeviceShape>);
            Attention = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionRows<DeviceShape>);
        }
    }

    /// <summary>Threads per side of a group.</summary>
    public int Side { get; }

    /// <summary>Rows per side of a group's tile (4 per thread).</summary>
    public int TileRows => 4 * Side;

    /// <summary>Threads per group.</summary>
    public int GroupSize => Side * Side;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, TileArgs> Dense { get; }

    public Action<KernelConfig, ArrayView<ulong>, ArrayView<ulong>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, TileArgs> Binary { get; }

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs> Attention { get; }

    /// <summary>The launch shape covering left rows [RowFrom, RowTo) x right rows [0, RowsB).</summary>
    public KernelConfig TileConfig(in TileArgs args) =>
        new(new Index2D((args.RowsB + TileRows - 1) / TileRows, (args.RowTo - args.RowFrom + TileRows - 1) / TileRows), new Index2D(GroupSize, 1));

    /// <summary>The order-preserving int of a float (larger float, larger int; NaN never stored).</summary>
    public static int OrderKey(float value)
    {
        int bits = (int)Interop.FloatAsInt(value);
        return bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
    }

    /// <summary>The inverse of <see cref="OrderKey"/>.</summary>
    public static float FromOrderKey(int key) => BitConverter.Int32BitsToSingle(key >= 0 ? key : key ^ 0x7FFFFFFF);

    /// <summary>Dense rows (float32, Stride floats apart): inner products, scaled, filtered, appended.</summary>
    public static void DenseTile<TShape>(
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> scaleA, ArrayView<float> scaleB,
        ArrayView<int> hits, ArrayView<int> counter, ArrayView<int> rowBest, TileArgs args)
        where TShape : struct, ITileShape
    {
        var sa = SharedMemory.Allocate<float>(DenseChunk * 4 * default(TShape).Side);
        var sb = SharedMemory.Allocate<float>(DenseChunk * 4 * default(TShape).Side);
        int side = default(TShape).Side, tile = 4 * side, threads = side * side;
        int tid = Group.IdxX;
        int tx = tid % side, ty = tid / side;
        int rowBase = args.RowFrom + (Grid.IdxY * tile);
        int colBase = Grid.IdxX * tile;
        if (args.Diagonal != 0 && colBase + tile - 1 <= rowBase) return; // the whole group is on or below the diagonal

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k0 = 0; k0 < args.Dim; k0 += DenseChunk)
        {
            for (int t = 0; t < DenseChunk * tile / threads; t++)
            {
                int e = tid + (threads * t);
                int r = e / DenseChunk, k = e % DenseChunk, kk = k0 + k;
                int ra = rowBase + r, rb = colBase + r;
                sa[(k * tile) + r] = ra < args.RowTo && kk < args.Dim ? a[((long)ra * args.Stride) + kk] : 0f;
                sb[(k * tile) + r] = rb < args.RowsB && kk < args.Dim ? b[((long)rb * args.Stride) + kk] : 0f;
            }

            Group.Barrier();
            for (int k = 0; k < DenseChunk; k++)
            {
                int o = k * tile;
                float a0 = sa[o + ty], a1 = sa[o + ty + side], a2 = sa[o + ty + (2 * side)], a3 = sa[o + ty + (3 * side)];
                float b0 = sb[o + tx], b1 = sb[o + tx + side], b2 = sb[o + tx + (2 * side)], b3 = sb[o + tx + (3 * side)];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }

            Group.Barrier();
        }

        OfferMicroTile<DensePairs, float>(
            rowBase + ty, colBase + tx, side, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33,
            scaleA, scaleB, hits, counter, rowBest, args);
    }

    /// <summary>
    /// The tail both tile kernels share: a thread's 4 x 4 micro-tile (rows p0 + side i, columns q0 + side j) offered
    /// row by row to <typeparamref name="TPair"/> (the kind's value, filter and append), each row's best kept by an
    /// atomic max when the launch tracks it.
    /// </summary>
    private static void OfferMicroTile<TPair, TValue>(
        int p0, int q0, int side,
        TValue c00, TValue c01, TValue c02, TValue c03, TValue c10, TValue c11, TValue c12, TValue c13,
        TValue c20, TValue c21, TValue c22, TValue c23, TValue c30, TValue c31, TValue c32, TValue c33,
        ArrayView<float> factorA, ArrayView<float> factorB, ArrayView<int> hits, ArrayView<int> counter, ArrayView<int> rowBest, TileArgs args)
        where TPair : struct, ITilePairs<TValue>
        where TValue : unmanaged
    {
        OfferRow<TPair, TValue>(p0, q0, side, c00, c01, c02, c03, factorA, factorB, hits, counter, rowBest, args);
        OfferRow<TPair, TValue>(p0 + side, q0, side, c10, c11, c12, c13, factorA, factorB, hits, counter, rowBest, args);
        OfferRow<TPair, TValue>(p0 + (2 * side), q0, side, c20, c21, c22, c23, factorA, factorB, hits, counter, rowBest, args);
        OfferRow<TPair, TValue>(p0 + (3 * side), q0, side, c30, c31, c32, c33, factorA, factorB, hits, counter, rowBest, args);
    }

    private static void OfferRow<TPair, TValue>(
        int p, int q0, int side, TValue v0, TValue v1, TValue v2, TValue v3, ArrayView<float> factorA, ArrayView<float> factorB,
        ArrayView<int> hits, ArrayView<int> counter, ArrayView<int> rowBest, TileArgs args)
        where TPair : struct, ITilePairs<TValue>
        where TValue : unmanaged
    {
        if (p >= args.RowTo) return;
        float fA = factorA[p];
        int best = int.MinValue;
        var pairs = default(TPair);
        best = pairs.Offer(p, q0, v0, fA, factorB, hits, counter, args, best);
        best = pairs.Offer(p, q0 + side, v1, fA, factorB, hits, counter, args, best);
        best = pairs.Offer(p, q0 + (2 * side), v2, fA, factorB, hits, counter, args, best);
        best = pairs.Offer(p, q0 + (3 * side), v3, fA, factorB, hits, counter, args, best);
        if (args.TrackBest != 0 && best != int.MinValue) Atomic.Max(ref rowBest[p], best);
    }

    /// <summary>How one pair's accumulated value (a float32 inner product, or an exact count) becomes a filtered hit.</summary>
    private interface ITilePairs<TValue>
        where TValue : unmanaged
    {
        /// <summary>Appends pair (p, q) if it passes the launch's bound; returns the row's best order key so far.</summary>
        int Offer(int p, int q, TValue value, float factorP, ArrayView<float> factorB, ArrayView<int> hits, ArrayView<int> counter, TileArgs args, int best);
    }

    /// <summary>Dense: the float32 inner product times 1/||x|| and 1/||y||; NaN always passes (the host re-scores it).</summary>
    private readonly struct DensePairs : ITilePairs<float>
    {
        public int Offer(int p, int q, float ip, float sA, ArrayView<float> scaleB, ArrayView<int> hits, ArrayView<int> counter, TileArgs args, int best)
        {
            if (q >= args.RowsB || (args.Diagonal != 0 && q <= p)) return best;
            float value = ip * sA * scaleB[q];
            bool maximise = args.Maximise != 0;
            if (maximise ? !(value < args.Bound) : !(value > args.Bound)) Append(p, q, (int)Interop.FloatAsInt(value), hits, counter, args.Capacity); // NaN passes
#pragma warning disable CS1718 // NaN is the one value unequal to itself (float.IsNaN is not a device intrinsic everywhere)
            if (value == value)
#pragma warning restore CS1718
            {
                int key = OrderKey(maximise ? value : -value);
                if (key > best) best = key;
            }

            return best;
        }
    }

    /// <summary>Binary rows (Stride words apart, Dim words read): exact AND-popcounts, filtered, appended.</summary>
    public static void BinaryTile<TShape>(
        ArrayView<ulong> a, ArrayView<ulong> b, ArrayView<float> factorA, ArrayView<float> factorB,
        ArrayView<int> hits, ArrayView<int> counter, ArrayView<int> rowBest, TileArgs args)
        where TShape : struct, ITileShape
    {
        var sa = SharedMemory.Allocate<ulong>(BinaryChunk * 4 * default(TShape).Side);
        var sb = SharedMemory.Allocate<ulong>(BinaryChunk * 4 * default(TShape).Side);
        int side = default(TShape).Side, tile = 4 * side, threads = side * side;
        int tid = Group.IdxX;
        int tx = tid % side, ty = tid / side;
        int rowBase = args.RowFrom + (Grid.IdxY * tile);
        int colBase = Grid.IdxX * tile;
        if (args.Diagonal != 0 && colBase + tile - 1 <= rowBase) return;

        int c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        int c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k0 = 0; k0 < args.Dim; k0 += BinaryChunk)
        {
            for (int t = 0; t < BinaryChunk * tile / threads; t++)
            {
                int e = tid + (threads * t);
                int r = e / BinaryChunk, k = e % BinaryChunk, kk = k0 + k;
                int ra = rowBase + r, rb = colBase + r;
                sa[(k * tile) + r] = ra < args.RowTo && kk < args.Dim ? a[((long)ra * args.Stride) + kk] : 0UL;
                sb[(k * tile) + r] = rb < args.RowsB && kk < args.Dim ? b[((long)rb * args.Stride) + kk] : 0UL;
            }

            Group.Barrier();
            for (int k = 0; k < BinaryChunk; k++)
            {
                int o = k * tile;
                ulong a0 = sa[o + ty], a1 = sa[o + ty + side], a2 = sa[o + ty + (2 * side)], a3 = sa[o + ty + (3 * side)];
                ulong b0 = sb[o + tx], b1 = sb[o + tx + side], b2 = sb[o + tx + (2 * side)], b3 = sb[o + tx + (3 * side)];
                c00 += IntrinsicMath.PopCount(a0 & b0); c01 += IntrinsicMath.PopCount(a0 & b1);
                c02 += IntrinsicMath.PopCount(a0 & b2); c03 += IntrinsicMath.PopCount(a0 & b3);
                c10 += IntrinsicMath.PopCount(a1 & b0); c11 += IntrinsicMath.PopCount(a1 & b1);
                c12 += IntrinsicMath.PopCount(a1 & b2); c13 += IntrinsicMath.PopCount(a1 & b3);
                c20 += IntrinsicMath.PopCount(a2 & b0); c21 += IntrinsicMath.PopCount(a2 & b1);
                c22 += IntrinsicMath.PopCount(a2 & b2); c23 += IntrinsicMath.PopCount(a2 & b3);
                c30 += IntrinsicMath.PopCount(a3 & b0); c31 += IntrinsicMath.PopCount(a3 & b1);
                c32 += IntrinsicMath.PopCount(a3 & b2); c33 += IntrinsicMath.PopCount(a3 & b3);
            }

            Group.Barrier();
        }

        OfferMicroTile<BinaryPairs, int>(
            rowBase + ty, colBase + tx, side, c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33,
            factorA, factorB, hits, counter, rowBest, args);
    }

    /// <summary>Binary: the exact AND-popcount, as a cosine count * (f_a * f_b) in float32 or as the count itself.</summary>
    private readonly struct BinaryPairs : ITilePairs<int>
    {
        public int Offer(int p, int q, int count, float fA, ArrayView<float> factorB, ArrayView<int> hits, ArrayView<int> counter, TileArgs args, int best)
        {
            if (q >= args.RowsB || (args.Diagonal != 0 && q <= p)) return best;
            bool maximise = args.Maximise != 0;
            float value;
            bool pass;
            if (args.Cosine != 0)
            {
                value = count * (fA * factorB[q]);
                pass = maximise ? value >= args.Bound : value <= args.Bound;
            }
            else
            {
                value = count;
                pass = maximise ? count >= args.BoundCount : count <= args.BoundCount;
            }

            if (pass) Append(p, q, count, hits, counter, args.Capacity);
            int key = OrderKey(maximise ? value : -value);
            return key > best ? key : best;
        }
    }

    private static void Append(int p, int q, int payload, ArrayView<int> hits, ArrayView<int> counter, int capacity)
    {
        int slot = Atomic.Add(ref counter[0], 1);
        if (slot >= capacity) return;
        hits[3L * slot] = p;
        hits[(3L * slot) + 1] = q;
        hits[(3L * slot) + 2] = payload;
    }

    /// <summary>
    /// Streaming attention (Def 2.1) for 64 query rows per group: for each 64-key tile the scores S = Q K^T (a 4 x 4
    /// register micro-tile per thread over m in chunks of 16), then per row the online softmax update (running max
    /// mu, running sum l, rescale of the accumulated outputs by exp(mu - mu')), then the value products. The
    /// accumulators live in <paramref name="output"/> (each (row, column) owned by one thread of one group); the last
    /// step divides by l. Memory O(n (m + o)); the n x n matrix never exists.
    /// </summary>
    public static void AttentionRows<TShape>(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> output, AttentionArgs args)
        where TShape : struct, ITileShape
    {
        var sq = SharedMemory.Allocate<float>(DenseChunk * 4 * default(TShape).Side);
        var sk = SharedMemory.Allocate<float>(DenseChunk * 4 * default(TShape).Side);
        var scores = SharedMemory.Allocate<float>(Tile * ScoreStride);
        var mu = SharedMemory.Allocate<float>(Tile);
        var sum = SharedMemory.Allocate<float>(Tile);
        var rescale = SharedMemory.Allocate<float>(Tile);
        int side = default(TShape).Side, tile = 4 * side, threads = side * side;
        int tid = Group.IdxX;
        int tx = tid % side, ty = tid / side;
        int rowBase = args.RowOffset + (Grid.IdxX * tile);
        int n = args.N, m = args.M, o = args.O;
        for (int r = tid; r < tile; r += threads)
        {
            mu[r] = float.NegativeInfinity;
            sum[r] = 0f;
        }

        Group.Barrier();
        for (int j0 = 0; j0 < n; j0 += tile)
        {
            float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (int k0 = 0; k0 < m; k0 += DenseChunk)
            {
                for (int t = 0; t < DenseChunk * tile / threads; t++)
                {
                    int e = tid + (threads * t);
                    int r = e / DenseChunk, kk = k0 + (e % DenseChunk), slot = ((e % DenseChunk) * tile) + r;
                    int qi = rowBase + r, kj = j0 + r;
                    sq[slot] = qi < n && kk < m ? q[((long)qi * m) + kk] : 0f;
                    sk[slot] = kj < n && kk < m ? k[((long)kj * m) + kk] : 0f;
                }

                Group.Barrier();
                for (int kc = 0; kc < DenseChunk; kc++)
                {
                    int off = kc * tile;
                    float a0 = sq[off + ty], a1 = sq[off + ty + side], a2 = sq[off + ty + (2 * side)], a3 = sq[off + ty + (3 * side)];
                    float b0 = sk[off + tx], b1 = sk[off + tx + side], b2 = sk[off + tx + (2 * side)], b3 = sk[off + tx + (3 * side)];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                }

                Group.Barrier();
            }

            int keys = n - j0 < tile ? n - j0 : tile;
            StoreScores(scores, ty, tx, side, keys, c00, c01, c02, c03);
            StoreScores(scores, ty + side, tx, side, keys, c10, c11, c12, c13);
            StoreScores(scores, ty + (2 * side), tx, side, keys, c20, c21, c22, c23);
            StoreScores(scores, ty + (3 * side), tx, side, keys, c30, c31, c32, c33);
            Group.Barrier();

            for (int rr = tid; rr < tile; rr += threads)
            {
                int row = rr * ScoreStride;
                float tileMax = float.NegativeInfinity;
                for (int j = 0; j < keys; j++) tileMax = scores[row + j] > tileMax ? scores[row + j] : tileMax;
                float old = mu[rr];
                float next = old > tileMax ? old : tileMax;
                float factor = old == float.NegativeInfinity ? 0f : XMath.Exp(old - next);
                float total = 0f;
                for (int j = 0; j < keys; j++)
                {
                    float p = XMath.Exp(scores[row + j] - next);
                    scores[row + j] = p;
                    total += p;
                }

                sum[rr] = (sum[rr] * factor) + total;
                mu[rr] = next;
                rescale[rr] = factor;
            }

            Group.Barrier();
            for (int e = tid; e < tile * o; e += threads)
            {
                int r = e / o, c = e % o, qi = rowBase + r;
                if (qi >= n) continue;
                long at = ((long)qi * o) + c;
                float acc = output[at] * rescale[r];
                int row = r * ScoreStride;
                for (int j = 0; j < keys; j++) acc += scores[row + j] * v[((long)(j0 + j) * o) + c];
                output[at] = acc;
            }

            Group.Barrier();
        }

        for (int e = tid; e < tile * o; e += threads)
        {
            int r = e / o, qi = rowBase + r;
            if (qi < n) output[((long)qi * o) + (e % o)] /= sum[r];
        }
    }

    private static void StoreScores(ArrayView<float> scores, int r, int tx, int side, int keys, float s0, float s1, float s2, float s3)
    {
        int row = r * ScoreStride;
        scores[row + tx] = tx < keys ? s0 : float.NegativeInfinity;
        scores[row + tx + side] = tx + side < keys ? s1 : float.NegativeInfinity;
        scores[row + tx + (2 * side)] = tx + (2 * side) < keys ? s2 : float.NegativeInfinity;
        scores[row + tx + (3 * side)] = tx + (3 * side) < keys ? s3 : float.NegativeInfinity;
    }
}
