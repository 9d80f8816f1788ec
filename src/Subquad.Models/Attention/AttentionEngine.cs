using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Subquad.Models.Attention;

/// <summary>
/// The fast attention unit of Def 2.1: softmax(X Q K^T X^T) X V computed in row tiles with a running max and a running
/// sum (the streaming-softmax form), so memory is O(n (m + d_out)) and the n x n score matrix never exists. Row tiles
/// run on all cores. With Vector512 (<see cref="AttentionKernel.Vector512"/>, the default where accelerated) the tiled
/// kernels of <see cref="AttentionTiles"/> do everything; the Vector256 and scalar kernels score with a 4 x 2 block
/// and use TensorPrimitives for exp, sums and the value products. float64 or float32.
/// </summary>
/// <remarks>
/// Shape legend: n = rows of X, d = d_in, m = embedding dimension, o = d_out, Br = <see cref="AttentionEngineOptions.RowTile"/>,
/// Bc = <see cref="AttentionEngineOptions.KeyTile"/>, W = lanes of the vector kernel.
/// <para>
/// Streaming softmax (why it is exact): for row i keep mu (max of the scores seen), l = sum exp(s_j - mu) and
/// a = sum exp(s_j - mu) v_j. A new tile with maximum mu' = max(mu, tile max) rescales l and a by exp(mu - mu')
/// and adds its own terms relative to mu'. After the last tile a / l equals sum softmax_j v_j exactly in real
/// arithmetic, and l &gt;= 1 because the overall maximum contributes exp(0).
/// </para>
/// <para>
/// Equality contract: in float64 the result equals <see cref="AttentionReference"/> to a relative 1e-12 on the
/// tested inputs (summation order differs); float32 is within float32 rounding of it.
/// </para>
/// </remarks>
public sealed class AttentionEngine : IAttentionMixer
{
    private readonly AttentionEngineOptions _options;
    private readonly AttentionKernel _kernel;
    private readonly AttentionPath _path;

    /// <summary>An engine with the given options (defaults: float64, widest kernel, all cores).</summary>
    /// <exception cref="ArgumentException">A tile size is not positive or not a multiple of its unit.</exception>
    /// <exception cref="PlatformNotSupportedException">A forced path or kernel cannot run here (<see cref="AttentionPaths.Choose"/>).</exception>
    public AttentionEngine(AttentionEngineOptions? options = null)
    {
        _options = options ?? new AttentionEngineOptions();
        if (_options.RowTile <= 0 || _options.RowTile % 4 != 0) throw new ArgumentException($"RowTile = {_options.RowTile}: must be a positive multiple of 4", nameof(options));
        if (_options.KeyTile <= 0 || _options.KeyTile % 32 != 0) throw new ArgumentException($"KeyTile = {_options.KeyTile}: must be a positive multiple of 32", nameof(options));
        (_path, _kernel) = AttentionPaths.Choose(_options.Path, _options.Kernel);
    }

    /// <summary>The default float64 engine.</summary>
    public static AttentionEngine Default { get; } = new();

    /// <summary>The options in use.</summary>
    public AttentionEngineOptions Options => _options;

    /// <summary>The micro-kernel actually used.</summary>
    public AttentionKernel Kernel => _kernel;

    /// <summary>The algorithm actually used (chosen once, in the constructor).</summary>
    public AttentionPath Path => _path;

    /// <inheritdoc/>
    public string Name => $"attention({(_options.Precision == AttentionPrecision.Float64 ? "f64" : "f32")},{_kernel.ToString().ToLowerInvariant()})";

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights) => ExactCost(rows, weights);

    /// <summary>Flops of one exact forward pass: projections, n^2 m score multiply-adds, n^2 exps, n^2 d_out value multiply-adds.</summary>
    public static MixerCost ExactCost(int rows, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double n = rows, d = weights.InputWidth, m = weights.EmbeddingDimension, o = weights.OutputWidth;
        double flops = (2 * n * d * ((2 * m) + o)) + (2 * n * n * m) + (n * n) + (2 * n * n * o);
        return new MixerCost(flops, 0, 0);
    }

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weights);
        if (x.Columns != weights.InputWidth) throw new ArgumentException($"X has {x.Columns} columns but d_in = {weights.InputWidth}", nameof(x));
        if (_path == AttentionPath.Tiled)
        {
            return _options.Precision == AttentionPrecision.Float64
                ? RunTiled<double>(x, weights, cancellationToken)
                : RunTiled<float>(x, weights, cancellationToken);
        }

        return _options.Precision == AttentionPrecision.Float64
            ? Run<double>(x, weights, cancellationToken)
            : Run<float>(x, weights, cancellationToken);
    }

    private Matrix Run<T>(Matrix x, AttentionWeights weights, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, m = weights.EmbeddingDimension, o = weights.OutputWidth;
        var output = new Matrix(n, o);
        if (n == 0) return output;
        int br = _options.RowTile, bc = _options.KeyTile;
        int rowTiles = (n + br - 1) / br, keyTiles = (n + bc - 1) / bc;
        int mPad = Math.Max(m, 1);

        // Pass 1: projections in T. q is row-major with padded rows (zeros); k is packed per key tile as
        // [tile][c][jj] so one tile's keys lie along the vector lanes; v is transposed, o x (keyTiles * bc).
        var q = new T[(long)rowTiles * br * mPad];
        var kPacked = new T[(long)keyTiles * bc * mPad];
        var vT = new T[(long)o * keyTiles * bc];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? -1 };
        Project(x, weights, q, kPacked, vT, mPad, bc, keyTiles, parallel);

        var kernel = _kernel;
        Parallel.For(0, rowTiles, parallel, () => new TileState<T>(br, bc, o), (tile, _, state) =>
        {
            RowTile(kernel, tile, n, br, bc, m, mPad, o, keyTiles, q, kPacked, vT, state, output);
            return state;
        }, _ => { });
        return output;
    }

    // The Vector512 path (AttentionTiles): keys packed in L1-sized panels, a 4 x 4-vector score block, a fused
    // max / exp / sum / value pass per row, projections by a register-blocked FMA row kernel, nothing on the hot path
    // that can run as tier-0 code. Same streaming softmax as Run, so the same exactness argument holds.
    private unsafe Matrix RunTiled<T>(Matrix x, AttentionWeights weights, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, d = x.Columns, m = weights.EmbeddingDimension, o = weights.OutputWidth;
        var output = new Matrix(n, o);
        if (n == 0) return output;
        int lanes = Vector512<T>.Count, p = AttentionTiles.PanelWidth<T>();
        int br = _options.RowTile;
        int bc = RoundUp(_options.KeyTile, p);
        int keyTiles = (n + bc - 1) / bc, rowTiles = (n + br - 1) / br;
        long keysPad = (long)keyTiles * bc;

        // Weights rounded to T, side by side as [Q | K | V] (Q padded to whole vectors, the total to 4W columns), so one
        // pass over the nonzeros of a row of X gives its query, key and value (measured: separate Q and [K | V] passes
        // made the projections a third of the time at n = 1,024).
        int qStride = RoundUp(Math.Max(m, 1), lanes);
        int width = RoundUp(qStride + m + o, 4 * lanes);
        var combined = new T[(long)d * width];
        for (int k = 0; k < d; k++)
        {
            long row = (long)k * width;
            for (int c = 0; c < m; c++)
            {
                combined[row + c] = T.CreateTruncating(weights.Q[k, c]);
                combined[row + qStride + c] = T.CreateTruncating(weights.K[k, c]);
            }

            for (int c = 0; c < o; c++) combined[row + qStride + m + c] = T.CreateTruncating(weights.V[k, c]);
        }

        // Pass 1: queries row-major (stride qStride, rows up to a whole row block, padding zero), keys into panels,
        // values transposed (o x keysPad, padding zero: masked lanes multiply it).
        var queries = new T[(long)RoundUp(n, AttentionTiles.RowBlock) * qStride];
        var panels = new T[keysPad * m];
        var valuesT = new T[o * keysPad];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? -1 };
        const int projectChunk = 256;
        // Up to 2,048 rows the projections (under 0.5 ms) run on the calling thread: one hand-off to the thread pool less,
        // and on the shared 2-core machine a pool thread preempted mid-chunk held up the whole call (n = 1,024 at load
        // 14, minimum of 41 runs: 2.5-3.5 ms this way against 4.3-14 ms with a parallel projection).
        if (n <= SerialProjectionRows)
        {
            Project(x, 0, n, combined, width, qStride, m, o, p, keysPad, new T[width], new int[Math.Max(1, d)], queries, panels, valuesT);
        }
        else
        {
            Parallel.For(0, (n + projectChunk - 1) / projectChunk, parallel, () => (new T[width], new int[Math.Max(1, d)]), (chunk, _, scratch) =>
            {
                Project(x, chunk * projectChunk, Math.Min(n, (chunk + 1) * projectChunk), combined, width, qStride, m, o, p, keysPad, scratch.Item1, scratch.Item2, queries, panels, valuesT);
                return scratch;
            }, _ => { });
        }

        // Pass 2: row tiles on all cores, each streaming over every key tile.
        Parallel.For(0, rowTiles, parallel, () => new TiledState<T>(br, bc, o), (tile, _, state) =>
        {
            RowTileTiled(tile, n, br, bc, m, o, keyTiles, keysPad, queries, qStride, panels, valuesT, state, output);
            return state;
        }, _ => { });
        return output;
    }

    private const int SerialProjectionRows = 2048;

    private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Project<T>(Matrix x, int from, int to, T[] combined, int width, int qStride, int m, int o, int p, long keysPad, T[] row, int[] nonzero, T[] queries, T[] panels, T[] valuesT)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = x.Columns, lanes = Vector512<T>.Count;
        fixed (double* xs = x.Data)
        fixed (T* w = combined, r = row, qs = queries, kp = panels, vt = valuesT)
        fixed (int* nz = nonzero)
        {
            for (int j = from; j < to; j++)
            {
                AttentionTiles.ProjectRowVector512(xs + ((long)j * d), d, w, width, r, nz);
                T* q = qs + ((long)j * qStride);
                for (int c = 0; c < qStride; c += lanes) Vector512.Store(Vector512.Load(r + c), q + c);
                T* key = r + qStride;
                T* panel = kp + ((long)(j / p) * m * p) + (j % p);
                for (int c = 0; c < m; c++) panel[(long)c * p] = key[c];
                for (int c = 0; c < o; c++) vt[(c * keysPad) + j] = key[m + c];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowTileTiled<T>(int tile, int n, int br, int bc, int m, int o, int keyTiles, long keysPad, T[] queries, int qStride, T[] panels, T[] valuesT, TiledState<T> state, Matrix output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i0 = tile * br;
        int rows = Math.Min(br, n - i0);
        int rowBlocks = (rows + AttentionTiles.RowBlock - 1) / AttentionTiles.RowBlock;
        int p = AttentionTiles.PanelWidth<T>();
        fixed (T* qs = queries, kp = panels, vt = valuesT, scores = state.Scores)
        fixed (Vector512<T>* sum = state.Sum, acc = state.Accumulator)
        {
            T* q = qs + ((long)i0 * qStride);
            var max = state.Max;
            max.AsSpan().Fill(T.NegativeInfinity);
            state.Sum.AsSpan().Clear();
            state.Accumulator.AsSpan().Clear();
            for (int kt = 0; kt < keyTiles; kt++)
            {
                int j0 = kt * bc;
                int valid = Math.Min(bc, n - j0);
                int panelCount = (valid + p - 1) / p;
                AttentionTiles.ScorePanelsVector512(q, qStride, rowBlocks, kp + ((long)j0 * m), panelCount, m, scores, bc);
                for (int r = 0; r < rows; r++)
                {
                    AttentionTiles.SoftmaxRowVector512(scores + ((long)r * bc), valid, vt + j0, keysPad, o, ref max[r], sum + r, acc + (r * o));
                }
            }

            for (int r = 0; r < rows; r++)
            {
                T total = Vector512.Sum(sum[r]);
                for (int c = 0; c < o; c++) output[i0 + r, c] = double.CreateTruncating(Vector512.Sum(acc[(r * o) + c]) / total);
            }
        }
    }

    // AggressiveOptimization: the hot loops are compiled fully optimised at once. Under tiered compilation a
    // one-shot forward pass otherwise spends its time in tier-0 generic vector code (measured: several times slower).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTile<T>(AttentionKernel kernel, int tile, int n, int br, int bc, int m, int mPad, int o, int keyTiles, T[] q, T[] kPacked, T[] vT, TileState<T> state, Matrix output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i0 = tile * br;
        int rows = Math.Min(br, n - i0);
        state.Reset();
        var qTile = new ReadOnlySpan<T>(q, i0 * mPad, br * mPad);
        for (int kt = 0; kt < keyTiles; kt++)
        {
            int j0 = kt * bc;
            int valid = Math.Min(bc, n - j0);
            var kTile = new ReadOnlySpan<T>(kPacked, kt * bc * mPad, bc * mPad);
            ScoreTile(kernel, qTile, kTile, state.Scores, br, bc, m, mPad);
            for (int r = 0; r < rows; r++)
            {
                var s = state.Scores.AsSpan(r * bc, valid);
                T tileMax = TensorPrimitives.Max<T>(s);
                T oldMax = state.Max[r];
                T newMax = T.Max(oldMax, tileMax);
                T rescale = T.IsNegativeInfinity(oldMax) ? T.Zero : T.Exp(oldMax - newMax);
                TensorPrimitives.Subtract(s, newMax, s);
                TensorPrimitives.Exp<T>(s, s);
                state.Sum[r] = (state.Sum[r] * rescale) + TensorPrimitives.Sum<T>(s);
                for (int c = 0; c < o; c++)
                {
                    var values = new ReadOnlySpan<T>(vT, (c * keyTiles * bc) + j0, valid);
                    state.Accumulator[(r * o) + c] = (state.Accumulator[(r * o) + c] * rescale) + TensorPrimitives.Dot(s, values);
                }

                state.Max[r] = newMax;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < o; c++) output[i0 + r, c] = double.CreateTruncating(state.Accumulator[(r * o) + c] / state.Sum[r]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Project<T>(Matrix x, AttentionWeights weights, T[] q, T[] kPacked, T[] vT, int mPad, int bc, int keyTiles, ParallelOptions parallel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Rows, d = x.Columns, m = weights.EmbeddingDimension, o = weights.OutputWidth;
        var xs = Round<T>(x.Data);
        var qw = Round<T>(weights.Q.Data);
        var kw = Round<T>(weights.K.Data);
        var vw = Round<T>(weights.V.Data);
        long vStride = (long)keyTiles * bc;
        Parallel.For(0, n, parallel, i => ProjectRow(i, xs, qw, kw, vw, d, m, o, q, kPacked, vT, mPad, bc, vStride));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProjectRow<T>(int i, T[] xs, T[] qw, T[] kw, T[] vw, int d, int m, int o, T[] q, T[] kPacked, T[] vT, int mPad, int bc, long vStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Row-times-matrix as axpys over the contiguous weight rows (vectorised by TensorPrimitives), summing the
        // terms in index order k = 0..d-1 like the reference. Zero inputs are skipped: exact, and it keeps the
        // one-hot phi1 blocks cheap.
        var row = new ReadOnlySpan<T>(xs, i * d, d);
        var qRow = new Span<T>(q, i * mPad, m);
        var kRow = new T[m];
        var vRow = new T[o];
        for (int k = 0; k < d; k++)
        {
            T xv = row[k];
            if (xv == T.Zero) continue;
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(qw, k * m, m), xv, qRow, qRow);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(kw, k * m, m), xv, kRow, kRow);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(vw, k * o, o), xv, vRow, vRow);
        }

        int tile = i / bc, jj = i % bc;
        for (int c = 0; c < m; c++) kPacked[((long)tile * bc * mPad) + ((long)c * bc) + jj] = kRow[c];
        for (int c = 0; c < o; c++) vT[(c * vStride) + i] = vRow[c];
    }

    private static T[] Round<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = T.CreateTruncating(values[i]);
        return result;
    }

    /// <summary>scores[r, jj] = q_r . k_jj for the br x bc tile (padded rows/keys are zero and ignored by the caller).</summary>
    internal static void ScoreTile<T>(AttentionKernel kernel, ReadOnlySpan<T> q, ReadOnlySpan<T> kTile, Span<T> scores, int br, int bc, int m, int mPad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kernel)
        {
            case AttentionKernel.Vector256: ScoreTileVector256(q, kTile, scores, br, bc, m, mPad); break;
            default: ScoreTileScalar(q, kTile, scores, br, bc, m, mPad); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScoreTileScalar<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> kTile, Span<T> scores, int br, int bc, int m, int mPad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < br; r++)
        {
            for (int jj = 0; jj < bc; jj++)
            {
                T sum = T.Zero;
                for (int c = 0; c < m; c++) sum += q[(r * mPad) + c] * kTile[(c * bc) + jj];
                scores[(r * bc) + jj] = sum;
            }
        }
    }

    // Register blocking: 4 query rows x 2 vectors of keys = 8 accumulators, each k-step loads 2 key vectors and
    // broadcasts 4 query scalars, so loads per multiply-add drop from 2 to 0.75 (llm.c matmul_forward's idea). The
    // Vector512 kernel no longer comes here: it runs the tiled path (AttentionTiles).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScoreTileVector256<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> kTile, Span<T> scores, int br, int bc, int m, int mPad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        ref T qRef = ref MemoryMarshal.GetReference(q);
        ref T kRef = ref MemoryMarshal.GetReference(kTile);
        ref T sRef = ref MemoryMarshal.GetReference(scores);
        for (int r = 0; r < br; r += 4)
        {
            for (int jj = 0; jj < bc; jj += 2 * w)
            {
                Vector256<T> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (int c = 0; c < m; c++)
                {
                    var k0 = Vector256.LoadUnsafe(ref kRef, (nuint)((c * bc) + jj));
                    var k1 = Vector256.LoadUnsafe(ref kRef, (nuint)((c * bc) + jj + w));
                    var q0 = Vector256.Create(Unsafe.Add(ref qRef, (r * mPad) + c));
                    var q1 = Vector256.Create(Unsafe.Add(ref qRef, ((r + 1) * mPad) + c));
                    var q2 = Vector256.Create(Unsafe.Add(ref qRef, ((r + 2) * mPad) + c));
                    var q3 = Vector256.Create(Unsafe.Add(ref qRef, ((r + 3) * mPad) + c));
                    a00 = Fma256(q0, k0, a00); a01 = Fma256(q0, k1, a01);
                    a10 = Fma256(q1, k0, a10); a11 = Fma256(q1, k1, a11);
                    a20 = Fma256(q2, k0, a20); a21 = Fma256(q2, k1, a21);
                    a30 = Fma256(q3, k0, a30); a31 = Fma256(q3, k1, a31);
                }

                a00.StoreUnsafe(ref sRef, (nuint)((r * bc) + jj)); a01.StoreUnsafe(ref sRef, (nuint)((r * bc) + jj + w));
                a10.StoreUnsafe(ref sRef, (nuint)(((r + 1) * bc) + jj)); a11.StoreUnsafe(ref sRef, (nuint)(((r + 1) * bc) + jj + w));
                a20.StoreUnsafe(ref sRef, (nuint)(((r + 2) * bc) + jj)); a21.StoreUnsafe(ref sRef, (nuint)(((r + 2) * bc) + jj + w));
                a30.StoreUnsafe(ref sRef, (nuint)(((r + 3) * bc) + jj)); a31.StoreUnsafe(ref sRef, (nuint)(((r + 3) * bc) + jj + w));
            }
        }
    }

    // Fused multiply-add where the type has one (float, double): one rounding per step instead of two, and one
    // instruction. The typeof checks are JIT-time constants, so each instantiation keeps exactly one branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma256<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return (a * b) + c;
    }

    private sealed class TiledState<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public TiledState(int br, int bc, int o)
        {
            Scores = new T[br * bc];
            Max = new T[br];
            Sum = new Vector512<T>[br];
            Accumulator = new Vector512<T>[Math.Max(1, br * o)];
        }

        public T[] Scores { get; }

        public T[] Max { get; }

        // Lane-wise partial sums, reduced once after the last key tile.
        public Vector512<T>[] Sum { get; }

        public Vector512<T>[] Accumulator { get; }
    }

    private sealed class TileState<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public TileState(int br, int bc, int o)
        {
            Scores = new T[br * bc];
            Max = new T[br];
            Sum = new T[br];
            Accumulator = new T[br * o];
        }

        public T[] Scores { get; }

        public T[] Max { get; }

        public T[] Sum { get; }

        public T[] Accumulator { get; }

        public void Reset()
        {
            Max.AsSpan().Fill(T.NegativeInfinity);
            Sum.AsSpan().Clear();
            Accumulator.AsSpan().Clear();
        }
    }
}
