using Subquad.Core.Problems;

namespace Subquad.Core.Engine;

/// <summary>
/// A streamed threshold join: every pair meeting the threshold, collected per task and handed to the
/// <see cref="JoinCollector"/>, which delivers whole row bands in (i, j) order. Rows run in identity order.
/// </summary>
internal sealed class JoinReducer : PairReducer
{
    private readonly ProblemKind _kind;
    private readonly Rational _threshold;
    private readonly double _filter;
    private readonly JoinCollector _collector;
    private List<ScoredPair> _hits = [];

    public JoinReducer(EngineContext context, Problem problem, JoinCollector collector)
        : base(context)
    {
        _kind = problem.Kind;
        _threshold = problem.Threshold ?? default;
        _filter = problem.Kind == ProblemKind.Ov ? 0.0 : _threshold.ToDouble();
        _collector = collector;
    }

    public override double FilterValue => _filter;

    public override void Offer(int i, int j, in PairScore score)
    {
        if (ScoreOrder.MeetsThreshold(_kind, score, _threshold)) _hits.Add(new ScoredPair(i, j, score));
    }

    public override bool SkipTask(in BlockPairTask task)
    {
        // Back-pressure: a task of a later band waits while the undelivered hits are over the cap (see JoinCollector).
        _collector.WaitForRoom(task.BandA);
        return _collector.Stopped || (Context.Pruning && Context.UpperBound(task) is double bound && bound < _filter);
    }

    public override void WorkerFailed() => _collector.Stop();

    public override void EndTask(in BlockPairTask task)
    {
        _collector.Complete(task.BandA, _hits);
        _hits = [];
    }
}

/// <summary>
/// Gathers a join's hits per row band and releases each band, sorted by (i, j), once all its tasks are done and all
/// earlier bands have been delivered: the caller sees pairs in (i, j) order while memory stays bounded.
/// </summary>
/// <remarks>
/// Back-pressure: when the consumer (a CSV writer, a pipe) is slower than the workers, finished bands would pile up
/// without bound (n = 20,000 at threshold 0 grew 160 MB/s). So a worker about to start a task of a band after the one
/// the consumer waits for first waits while the undelivered hits exceed <see cref="HeldCap"/>; the band the consumer
/// waits for never waits, so the join always progresses. Spilling: that band alone can hold BlockRows x n hits
/// (240 MB at n = 20,000, threshold 0), so a task's sorted hits that would take the hits in memory over the cap go
/// to a temporary file (deleted on close) and are merged back in chunks. Memory beyond the input is then at most
/// the cap, plus a chunk per task of the band being delivered, plus each worker's current task (BlockRows^2 hits),
/// whatever n and the number of pairs.
/// </remarks>
internal sealed class JoinCollector : IDisposable
{
    /// <summary>Hits read back per spilled run at a time during the merge.</summary>
    private const int ChunkPairs = 4096;

    private readonly object _lock = new();
    private readonly long[] _pendingTasks;
    private readonly List<Run>?[] _bands;
    private readonly CancellationToken _cancellation;
    private bool _workersDone;
    private volatile bool _stopped;
    private long _held;
    private long _inMemory;
    private long _spillEnd;
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _spill;
    private int _nextBand;

    public JoinCollector(EnginePlan plan, CancellationToken cancellation = default, long? heldCap = null)
    {
        _pendingTasks = new long[plan.BandsA];
        for (int band = 0; band < plan.BandsA; band++) _pendingTasks[band] = plan.TasksInBand(band);
        _bands = new List<Run>?[plan.BandsA];
        _cancellation = cancellation;
        HeldCap = heldCap ?? DefaultHeldCap();
    }

    /// <summary>Hits (in memory and spilled) above which workers on later bands wait; also the most kept in memory.</summary>
    public long HeldCap { get; }

    /// <summary>The most hits held in memory at once in undelivered bands (for tests of the bound).</summary>
    public long PeakHeld { get; private set; }

    /// <summary>Hits written to the spill file so far (for tests).</summary>
    public long Spilled { get; private set; }

    public bool Stopped => _stopped;

    public void Stop()
    {
        _stopped = true;
        lock (_lock) Monitor.PulseAll(_lock);
    }

    /// <summary>Blocks a worker about to run a task of <paramref name="band"/> while later bands hold too many hits.</summary>
    public void WaitForRoom(int band)
    {
        lock (_lock)
        {
            while (band > _nextBand && _held >= HeldCap && !_stopped && !_cancellation.IsCancellationRequested)
            {
                Monitor.Wait(_lock, 50);
            }
        }
    }

    public void Complete(int band, List<ScoredPair> hits)
    {
        // Sorted by the worker that found them (in parallel), so the merge only interleaves sorted runs.
        hits.Sort(Order);
        Run? run = null;
        if (hits.Count > 0)
        {
            long offset = -1;
            lock (_lock)
            {
                if (_inMemory + hits.Count > HeldCap)
                {
                    offset = _spillEnd;
                    _spillEnd += (long)hits.Count * PairBytes;
                }
            }

            run = offset < 0 ? new Run(hits, 0, hits.Count) : Spill(hits, offset);
        }

        lock (_lock)
        {
            // Kept as the task's own list (no copy into one growing band list, which doubled the peak).
            if (run is not null) (_bands[band] ??= []).Add(run);
            _held += hits.Count;
            if (run?.Memory is not null) _inMemory += hits.Count;
            else Spilled += hits.Count;
            PeakHeld = Math.Max(PeakHeld, _inMemory);
            _pendingTasks[band]--;
            Monitor.PulseAll(_lock);
        }
    }

    private static int PairBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<ScoredPair>();

    private static int Order(ScoredPair x, ScoredPair y) => x.I != y.I ? x.I.CompareTo(y.I) : x.J.CompareTo(y.J);

    /// <summary>Writes a sorted run at its reserved offset of the spill file (positional writes: workers never share a position).</summary>
    private Run Spill(List<ScoredPair> hits, long offset)
    {
        lock (_lock)
        {
            _spill ??= File.OpenHandle(
                Path.Combine(Path.GetTempPath(), $"subquad-join-{Environment.ProcessId}-{Guid.NewGuid():N}.spill"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        }

        RandomAccess.Write(_spill, System.Runtime.InteropServices.MemoryMarshal.AsBytes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(hits)), offset);
        return new Run(null, offset, hits.Count);
    }

    /// <summary>A quarter of the free memory, at most 64 MiB, in hits.</summary>
    private static long DefaultHeldCap()
    {
        long bytes = Math.Min(64L << 20, IO.MemoryBudget.AvailableBytes() / 4);
        return Math.Max(1L << 16, bytes / PairBytes);
    }

    public void WorkersFinished()
    {
        lock (_lock)
        {
            _workersDone = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits for band <paramref name="band"/>; returns its hits in (i, j) order, or null when the workers stopped first.</summary>
    public IEnumerable<ScoredPair>? Take(int band)
    {
        List<Run> runs;
        lock (_lock)
        {
            _nextBand = band;
            Monitor.PulseAll(_lock);
            while (_pendingTasks[band] > 0)
            {
                if (_workersDone) return null;
                Monitor.Wait(_lock);
            }

            runs = _bands[band] ?? [];
            _bands[band] = null;
            _nextBand = band + 1;
            Monitor.PulseAll(_lock);
        }

        return Merge(runs);
    }

    /// <summary>The tasks' sorted runs merged in (i, j) order by a heap over their heads (O(hits log tasks)).</summary>
    private IEnumerable<ScoredPair> Merge(List<Run> runs)
    {
        var heads = new PriorityQueue<int, ScoredPair>(Comparer<ScoredPair>.Create(Order));
        for (int k = 0; k < runs.Count; k++) heads.Enqueue(k, runs[k].Next(_spill));
        while (heads.TryDequeue(out int k, out var hit))
        {
            yield return hit;
            var run = runs[k];
            if (run.Remaining > 0)
            {
                heads.Enqueue(k, run.Next(_spill));
            }
            else
            {
                // Release a finished task's hits while the rest of the band is delivered.
                lock (_lock)
                {
                    _held -= run.Count;
                    if (run.Memory is not null) _inMemory -= run.Count;
                    Monitor.PulseAll(_lock);
                }

                runs[k] = Run.Empty;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock) _spill?.Dispose();
    }

    /// <summary>One task's sorted hits: in memory, or <see cref="Count"/> pairs at <c>Offset</c> of the spill file.</summary>
    private sealed class Run(List<ScoredPair>? memory, long offset, int count)
    {
        public static readonly Run Empty = new([], 0, 0);

        private ScoredPair[] _chunk = [];
        private int _chunkStart;
        private int _chunkLength;
        private int _position;

        public List<ScoredPair>? Memory { get; private set; } = memory;

        public int Count => count;

        public int Remaining => count - _position;

        public ScoredPair Next(Microsoft.Win32.SafeHandles.SafeFileHandle? spill)
        {
            int p = _position++;
            if (Memory is not null)
            {
                var hit = Memory[p];
                if (_position == count) Memory = null;
                return hit;
            }

            if (p >= _chunkStart + _chunkLength)
            {
                _chunkStart = p;
                _chunkLength = Math.Min(ChunkPairs, count - p);
                if (_chunk.Length < _chunkLength) _chunk = new ScoredPair[_chunkLength];
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(_chunk.AsSpan(0, _chunkLength));
                long at = offset + ((long)p * PairBytes);
                int read = 0;
                while (read < bytes.Length)
                {
                    int got = RandomAccess.Read(spill!, bytes[read..], at + read);
                    if (got <= 0) throw new IOException("the join's spill file ended early");
                    read += got;
                }
            }

            var result = _chunk[p - _chunkStart];
            if (_position == count) _chunk = [];
            return result;
        }
    }
}
