using System.Runtime.CompilerServices;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Search;

/// <summary>
/// Exact k-nearest-neighbour search: for every query row, the k corpus rows with the best score for a
/// <see cref="NeighborMetric"/>, nearest first, ties by the smaller corpus index. The same answer as
/// <see cref="Reference"/> (the scalar oracle), bit for bit, on every input.
/// </summary>
/// <remarks>
/// <para>Binary rows: the engine's 4 x 4 popcount tile kernels (<see cref="BinaryInnerProducts"/>) count exact inner
/// products; each query keeps its k best in a heap ordered exactly (cosines compared as ip^2 / |b| in 128-bit
/// integers, the query's weight being common).</para>
/// <para>Dense rows: the engine's 8 x 32 float32 FMA tile (<see cref="DenseInnerProducts"/>) screens every pair. Its
/// error is at most gamma_d sum |x_k y_k| &lt;= gamma_d |x| |y| (gamma_d = d u / (1 - d u), u = 2^-24), so a corpus
/// row whose float32 score plus that bound is below the k-th best float32 score minus its bound cannot be among
/// the k best. The survivors are re-scored in float64 in index order (<see cref="PairScoring"/>, the oracle's
/// value) and ranked; with distinct data that is about k rows per query.</para>
/// <para>Work is split into blocks of 64 queries; each block streams the corpus in chunks that stay in cache.</para>
/// </remarks>
public static unsafe class NearestNeighbors
{
    private const int QueryBlock = 64;
    private const int CorpusChunk = 512;

    /// <summary>Bytes of packed dense corpus panels held at once (the rest of the corpus stays where it is, mapped or not).</summary>
    private const long PackWindowBytes = 16L << 20;

    /// <summary>Searches; <paramref name="threads"/> null uses every core.</summary>
    /// <exception cref="InputException">Kinds or widths differ, a binary-only metric on dense rows, or a zero row under a cosine metric.</exception>
    public static NeighborResult Search(VectorSet queries, VectorSet corpus, NeighborMetric metric, int k, int? threads = null, CancellationToken cancellationToken = default) =>
        Search(queries, corpus, metric, k, threads, PackWindowBytes, cancellationToken);

    /// <summary><see cref="Search(VectorSet, VectorSet, NeighborMetric, int, int?, CancellationToken)"/> with another dense pack window (tests cross windows on small inputs).</summary>
    internal static NeighborResult Search(VectorSet queries, VectorSet corpus, NeighborMetric metric, int k, int? threads, long packWindowBytes, CancellationToken cancellationToken = default)
    {
        Validate(queries, corpus, metric, k);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount, CancellationToken = cancellationToken };
        return queries is BinaryVectors bq
            ? SearchBinary(bq, (BinaryVectors)corpus, metric, k, options)
            : SearchDense((DenseVectors)queries, (DenseVectors)corpus, metric, k, options, packWindowBytes);
    }

    /// <summary>The oracle: every pair scored by <see cref="PairScoring"/>, sorted, cut at k. O(q n l).</summary>
    public static NeighborResult Reference(VectorSet queries, VectorSet corpus, NeighborMetric metric, int k)
    {
        Validate(queries, corpus, metric, k);
        int q = queries.Count, n = corpus.Count;
        var indices = new long[(long)q * k];
        var scores = new double[(long)q * k];
        long[]? ips = queries.IsBinary ? new long[(long)q * k] : null;
        var kind = KindOf(metric);
        for (int i = 0; i < q; i++)
        {
            var order = Enumerable.Range(0, n).Select(j => (J: j, Score: PairScoring.Score(kind, queries, i, corpus, j))).ToList();
            order.Sort((x, y) =>
            {
                int c = CompareNearness(metric, x.Score, y.Score);
                return c != 0 ? -c : x.J.CompareTo(y.J);
            });
            for (int r = 0; r < k; r++)
            {
                long at = (long)i * k + r;
                if (r < n)
                {
                    indices[at] = order[r].J;
                    scores[at] = ValueOf(metric, order[r].Score);
                    if (ips is not null) ips[at] = order[r].Score.InnerProduct;
                }
                else
                {
                    indices[at] = -1;
                    scores[at] = double.NaN;
                    if (ips is not null) ips[at] = -1;
                }
            }
        }

        return new NeighborResult(metric, q, k, indices, scores, ips) { Found = Math.Min(k, n) };
    }

    private static void Validate(VectorSet queries, VectorSet corpus, NeighborMetric metric, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(corpus);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");
        if (queries.IsBinary != corpus.IsBinary)
        {
            throw new InputException(corpus.Source, null, $"holds {(corpus.IsBinary ? "binary" : "dense")} rows but the queries are {(queries.IsBinary ? "binary" : "dense")}; read both the same way (--dense or --binary)");
        }

        if (queries.Dimensions != corpus.Dimensions)
        {
            throw new InputException(corpus.Source, null, $"has rows of {corpus.Dimensions} {(corpus.IsBinary ? "bits" : "floats")} but the queries have {queries.Dimensions}");
        }

        if (metric.NeedsBinary() && !queries.IsBinary)
        {
            throw new InputException(queries.Source, null, $"is dense; {metric.CliName()} is defined on binary rows (use maxip or minip for dense inner products)");
        }

        if (metric.IsCosine())
        {
            foreach (var set in new[] { queries, corpus })
            {
                for (int i = 0; i < set.Count; i++)
                {
                    if (set.IsZeroRow(i))
                    {
                        string name = set.RowNames is null ? "" : $" ({set.RowNames[i]})";
                        throw new InputException(set.Source, $"row {i}{name}", "is a zero vector; cosine similarity is undefined for it (remove the row or use an inner-product metric)");
                    }
                }
            }
        }
    }

    private static ProblemKind KindOf(NeighborMetric metric) => metric switch
    {
        NeighborMetric.Msd => ProblemKind.Msd,
        NeighborMetric.Lsd => ProblemKind.Lsd,
        NeighborMetric.MaxIp => ProblemKind.MaxIp,
        _ => ProblemKind.MinIp,
    };

    /// <summary>The reported value: the score, or for Hamming |a| + |b| - 2 ip.</summary>
    private static double ValueOf(NeighborMetric metric, in PairScore score) =>
        metric == NeighborMetric.Hamming ? score.WeightI + score.WeightJ - 2 * score.InnerProduct : score.Value;

    /// <summary>Positive when x is nearer than y (exact on binary rows), 0 when equally near.</summary>
    private static int CompareNearness(NeighborMetric metric, in PairScore x, in PairScore y)
    {
        if (metric == NeighborMetric.Hamming) return -ValueOf(metric, x).CompareTo(ValueOf(metric, y));
        int c = ScoreOrder.CompareValues(KindOf(metric), x, y);
        return metric.LargerIsNearer() ? c : -c;
    }

    // ---------------------------------------------------------------- binary

    private static NeighborResult SearchBinary(BinaryVectors queries, BinaryVectors corpus, NeighborMetric metric, int k, ParallelOptions options)
    {
        int q = queries.Count, n = corpus.Count, words = queries.WordsPerRow;
        var indices = new long[(long)q * k];
        var scores = new double[(long)q * k];
        var ips = new long[(long)q * k];
        var tile = BinaryInnerProducts.TileKernel(KernelDispatch.Best, queries.Dimensions);
        var zero = GC.AllocateArray<ulong>(words + 8, pinned: true);
        nint zeroRow = AlignedRow(zero);
        int blocks = (q + QueryBlock - 1) / QueryBlock;
        fixed (ulong* qBase = queries.Words)
        fixed (ulong* cBase = corpus.Words)
        {
            nint qb = (nint)qBase, cb = (nint)cBase;
            // Fully optimised at once: each block is one long call, and tier-0 code would run most of a small search.
            Parallel.For(0, blocks, options, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (block) =>
            {
                int first = block * QueryBlock, count = Math.Min(QueryBlock, q - first);
                var heaps = new BinaryHeap[count];
                for (int r = 0; r < count; r++) heaps[r] = new BinaryHeap(metric, k, queries.Weight(first + r));
                var weights = corpus.Weights;
                bool integerKey = !metric.IsCosine();
                ulong** x = stackalloc ulong*[4];
                ulong** y = stackalloc ulong*[4];
                int* counts = stackalloc int[16];
                for (int chunk = 0; chunk < n; chunk += CorpusChunk)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    int chunkEnd = Math.Min(n, chunk + CorpusChunk);
                    for (int r0 = 0; r0 < count; r0 += 4)
                    {
                        for (int t = 0; t < 4; t++) x[t] = r0 + t < count ? (ulong*)qb + (long)(first + r0 + t) * words : (ulong*)zeroRow;
                        for (int j0 = chunk; j0 < chunkEnd; j0 += 4)
                        {
                            for (int t = 0; t < 4; t++) y[t] = j0 + t < chunkEnd ? (ulong*)cb + (long)(j0 + t) * words : (ulong*)zeroRow;
                            tile(x, y, words, counts);
                            for (int a = 0; a < 4 && r0 + a < count; a++)
                            {
                                ref var heap = ref heaps[r0 + a];
                                for (int b = 0; b < 4 && j0 + b < chunkEnd; b++)
                                {
                                    long ip = counts[a * 4 + b];
                                    int w = weights[j0 + b];
                                    // Integer metrics: one compare rejects most rows. j grows during the scan, so a
                                    // row that only ties the worst kept one loses the tie (the smaller index wins).
                                    if (integerKey && KeyOf(metric, ip, w) <= heap.WorstKey) continue;
                                    heap.Offer(j0 + b, ip, w);
                                }
                            }
                        }
                    }
                }

                for (int r = 0; r < count; r++) heaps[r].WriteSorted(first + r, indices, scores, ips);
            });
        }

        GC.KeepAlive(zero);
        return new NeighborResult(metric, q, k, indices, scores, ips) { Found = Math.Min(k, n) };
    }

    /// <summary>Larger is nearer, for the integer metrics (the query's weight is common to its Hamming distances).</summary>
    private static long KeyOf(NeighborMetric metric, long ip, long w) => metric switch
    {
        NeighborMetric.MaxIp => ip,
        NeighborMetric.Hamming => 2 * ip - w,
        _ => -ip,
    };

    private static nint AlignedRow(ulong[] pinned)
    {
        fixed (ulong* p = pinned)
        {
            nint address = (nint)p;
            return (address + 63) & ~(nint)63;
        }
    }

    /// <summary>One query's k best binary neighbours: a heap with the worst of them at the root.</summary>
    private struct BinaryHeap(NeighborMetric metric, int k, int queryWeight)
    {
        private readonly int[] _j = new int[k];
        private readonly long[] _ip = new long[k];
        private readonly long[] _w = new long[k];
        private int _count;

        /// <summary>Integer metrics: <see cref="KeyOf"/> of the worst row kept once k are kept, else long.MinValue.</summary>
        public long WorstKey { get; private set; } = long.MinValue;

        private void UpdateWorst()
        {
            if (_count == _j.Length && !metric.IsCosine()) WorstKey = KeyOf(metric, _ip[0], _w[0]);
        }

        /// <summary>Positive when (ip1, w1, j1) is nearer than (ip2, w2, j2); never 0 for distinct j (ties: smaller j).</summary>
        private readonly int Compare(long ip1, long w1, int j1, long ip2, long w2, int j2)
        {
            int c;
            switch (metric)
            {
                case NeighborMetric.Msd:
                case NeighborMetric.Lsd:
                    // cos = ip / sqrt(|q| w); |q| is common: compare ip1^2 w2 with ip2^2 w1 exactly.
                    c = ((Int128)ip1 * ip1 * w2).CompareTo((Int128)ip2 * ip2 * w1);
                    if (metric == NeighborMetric.Lsd) c = -c;
                    break;
                case NeighborMetric.MaxIp:
                    c = ip1.CompareTo(ip2);
                    break;
                case NeighborMetric.Hamming:
                    c = (w2 - 2 * ip2).CompareTo(w1 - 2 * ip1);
                    break;
                default:
                    c = ip2.CompareTo(ip1);
                    break;
            }

            return c != 0 ? c : j2.CompareTo(j1);
        }

        public void Offer(int j, long ip, long w)
        {
            if (_count < _j.Length)
            {
                int at = _count++;
                _j[at] = j;
                _ip[at] = ip;
                _w[at] = w;
                SiftUp(at);
                UpdateWorst();
                return;
            }

            // Root = the worst kept; replace it only by a nearer row.
            if (Compare(ip, w, j, _ip[0], _w[0], _j[0]) <= 0) return;
            _j[0] = j;
            _ip[0] = ip;
            _w[0] = w;
            SiftDown(0);
            UpdateWorst();
        }

        private readonly bool Worse(int a, int b) => Compare(_ip[a], _w[a], _j[a], _ip[b], _w[b], _j[b]) < 0;

        private readonly void Swap(int a, int b)
        {
            (_j[a], _j[b]) = (_j[b], _j[a]);
            (_ip[a], _ip[b]) = (_ip[b], _ip[a]);
            (_w[a], _w[b]) = (_w[b], _w[a]);
        }

        private readonly void SiftUp(int at)
        {
            while (at > 0)
            {
                int parent = (at - 1) / 2;
                if (!Worse(at, parent)) return;
                Swap(at, parent);
                at = parent;
            }
        }

        private readonly void SiftDown(int at)
        {
            while (true)
            {
                int left = 2 * at + 1, right = left + 1, worst = at;
                if (left < _count && Worse(left, worst)) worst = left;
                if (right < _count && Worse(right, worst)) worst = right;
                if (worst == at) return;
                Swap(at, worst);
                at = worst;
            }
        }

        public readonly void WriteSorted(int query, long[] indices, double[] scores, long[] ips)
        {
            var order = Enumerable.Range(0, _count).ToArray();
            var self = this;
            Array.Sort(order, (a, b) => -self.Compare(self._ip[a], self._w[a], self._j[a], self._ip[b], self._w[b], self._j[b]));
            int k = _j.Length;
            for (int r = 0; r < k; r++)
            {
                long at = (long)query * k + r;
                if (r < _count)
                {
                    int s = order[r];
                    indices[at] = _j[s];
                    ips[at] = _ip[s];
                    scores[at] = metric switch
                    {
                        NeighborMetric.Hamming => queryWeight + _w[s] - 2 * _ip[s],
                        NeighborMetric.Msd or NeighborMetric.Lsd => PairScore.Binary(ProblemKind.Msd, _ip[s], queryWeight, _w[s]).Value,
                        _ => _ip[s],
                    };
                }
                else
                {
                    indices[at] = -1;
                    ips[at] = -1;
                    scores[at] = double.NaN;
                }
            }
        }
    }

    // ---------------------------------------------------------------- dense

    private static NeighborResult SearchDense(DenseVectors queries, DenseVectors corpus, NeighborMetric metric, int k, ParallelOptions options, long packWindowBytes)
    {
        int q = queries.Count, n = corpus.Count, d = queries.Dimensions;
        int panelRows = DenseInnerProducts.PanelRows, stripRows = DenseInnerProducts.StripRows;
        int panels = (n + panelRows - 1) / panelRows;
        long panelFloats = (long)d * panelRows;
        var indices = new long[(long)q * k];
        var scores = new double[(long)q * k];
        var kernel = DenseInnerProducts.TileKernel(KernelDispatch.Best);
        // gamma_d with a margin of 2 (norms are float64 of float32 data; the bound must never be too tight).
        double u = Math.ScaleB(1.0, -24);
        double gamma = 2 * d * u / (1 - d * u);
        bool cosine = metric.IsCosine();
        double sign = metric.LargerIsNearer() ? 1 : -1;
        // The corpus is packed into panels one window at a time (a multiple of CorpusChunk rows, about PackWindowBytes),
        // not all at once: a copy of the whole corpus would cost as much anonymous memory as the file, which defeats a
        // memory-mapped corpus larger than RAM. Each query's filter carries over from window to window.
        int chunkPanels = CorpusChunk / panelRows;
        int windowPanels = (int)Math.Min(panels, Math.Max(chunkPanels, packWindowBytes / (panelFloats * sizeof(float)) / chunkPanels * chunkPanels));
        var packed = GC.AllocateArray<float>((int)checked(windowPanels * panelFloats + 16), pinned: true);
        var zero = GC.AllocateArray<float>(DenseVectors.StrideFor(d) + 16, pinned: true);
        var filters = new DenseFilter[q];
        for (int r = 0; r < q; r++) filters[r] = new DenseFilter(k);
        int blocks = (q + QueryBlock - 1) / QueryBlock;
        fixed (float* packedBase = packed)
        fixed (float* zeroBase = zero)
        fixed (float* qBase = queries.Values)
        fixed (float* cBase = corpus.Values)
        {
            nint pb = (nint)packedBase, zb = (nint)zeroBase, qb = (nint)qBase, cb = (nint)cBase;
            int stride = corpus.Stride, qStride = queries.Stride;
            for (int w0 = 0; w0 < panels; w0 += windowPanels)
            {
                int w1 = Math.Min(panels, w0 + windowPanels);
                Parallel.For(w0, w1, options, p =>
                {
                    int firstRow = p * panelRows, rows = Math.Min(panelRows, n - firstRow);
                    Span<int> which = stackalloc int[rows];
                    for (int c = 0; c < rows; c++) which[c] = firstRow + c;
                    DenseInnerProducts.PackPanel((float*)cb, stride, d, which, (float*)pb + ((p - w0) * panelFloats));
                });
                Parallel.For(0, blocks, options, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (block) =>
                {
                    int first = block * QueryBlock, count = Math.Min(QueryBlock, q - first);
                    float** rowPointers = stackalloc float*[stripRows];
                    float* tile = stackalloc float[stripRows * panelRows];
                    for (int p0 = w0; p0 < w1; p0 += chunkPanels)
                    {
                        options.CancellationToken.ThrowIfCancellationRequested();
                        int p1 = Math.Min(w1, p0 + chunkPanels);
                        for (int r0 = 0; r0 < count; r0 += stripRows)
                        {
                            for (int t = 0; t < stripRows; t++) rowPointers[t] = r0 + t < count ? (float*)qb + (long)(first + r0 + t) * qStride : (float*)zb;
                            for (int p = p0; p < p1; p++)
                            {
                                kernel(rowPointers, (float*)pb + ((p - w0) * panelFloats), d, tile);
                                int j0 = p * panelRows, cols = Math.Min(panelRows, n - j0);
                                for (int a = 0; a < stripRows && r0 + a < count; a++)
                                {
                                    double qNorm = queries.Norm(first + r0 + a);
                                    ref var filter = ref filters[first + r0 + a];
                                    float* line = tile + a * panelRows;
                                    for (int c = 0; c < cols; c++)
                                    {
                                        double cNorm = corpus.Norm(j0 + c);
                                        double bound = gamma * qNorm * cNorm + double.Epsilon;
                                        double key = sign * line[c];
                                        if (cosine)
                                        {
                                            // Ranking one query by cosine is ranking by ip / |c| (|q| is common).
                                            key /= cNorm;
                                            bound /= cNorm;
                                        }

                                        filter.Offer(j0 + c, key, bound);
                                    }
                                }
                            }
                        }
                    }
                });
            }

            var kind = KindOf(metric);
            Parallel.For(0, q, options, r => filters[r].Finish(r, k, metric, kind, queries, corpus, indices, scores));
        }

        return new NeighborResult(metric, q, k, indices, scores, null) { Found = Math.Min(k, n) };
    }

    /// <summary>
    /// One query's dense candidates: every row whose upper bound (key + bound) reaches the k-th best lower bound
    /// (key - bound) seen so far. Keys are "larger is nearer" (the sign folds min problems in).
    /// </summary>
    private struct DenseFilter(int k)
    {
        private readonly List<(int J, double Key, double Bound)> _candidates = new(2 * k + 16);
        private readonly PriorityQueue<int, double> _lower = new(k + 1); // the k largest lower bounds, smallest at the root
        private double _cut = double.NegativeInfinity;

        public void Offer(int j, double key, double bound)
        {
            if (key + bound < _cut) return;
            _candidates.Add((j, key, bound));
            double lower = key - bound;
            if (_lower.Count < k)
            {
                _lower.Enqueue(j, lower);
                if (_lower.Count == k) _cut = PeekPriority();
            }
            else if (lower > PeekPriority())
            {
                _lower.DequeueEnqueue(j, lower);
                _cut = PeekPriority();
            }

            if (_candidates.Count > 4 * k + 256)
            {
                double cut = _cut;
                _candidates.RemoveAll(c => c.Key + c.Bound < cut);
            }
        }

        private readonly double PeekPriority()
        {
            _lower.TryPeek(out _, out double priority);
            return priority;
        }

        /// <summary>Re-scores the survivors in float64 (the oracle's values), ranks them and writes the k best.</summary>
        public readonly void Finish(int query, int k, NeighborMetric metric, ProblemKind kind, DenseVectors queries, DenseVectors corpus, long[] indices, double[] scores)
        {
            double cut = _cut;
            var exact = _candidates.Where(c => c.Key + c.Bound >= cut)
                .Select(c => (c.J, Score: PairScoring.Score(kind, queries, query, corpus, c.J).Value))
                .ToList();
            bool larger = metric.LargerIsNearer();
            exact.Sort((x, y) =>
            {
                int c = larger ? y.Score.CompareTo(x.Score) : x.Score.CompareTo(y.Score);
                return c != 0 ? c : x.J.CompareTo(y.J);
            });
            for (int r = 0; r < k; r++)
            {
                long at = (long)query * k + r;
                indices[at] = r < exact.Count ? exact[r].J : -1;
                scores[at] = r < exact.Count ? exact[r].Score : double.NaN;
            }
        }
    }
}
