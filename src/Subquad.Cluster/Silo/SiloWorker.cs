using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Subquad.Cluster.Grains;
using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Silo;

/// <summary>
/// A silo's worker: one loop that asks the running jobs for a chunk (work pulling: fast silos simply ask more
/// often), runs it on the local engine with all <see cref="SiloWorkerOptions.Threads"/> threads and returns the
/// partial answer. The loop keeps one chunk in hand while it computes (its lease is asked for, and the previous
/// chunk handed in, during the computation), so a chunk's round trips to the coordinator cost no computing time.
/// A job's input is checked (data directories, size, SHA-256) and loaded once per silo before its first lease; a
/// silo that cannot run a job as submitted fails the job with the reason rather than computing a different answer.
/// </summary>
internal sealed class SiloWorker(
    IGrainFactory grains, ILocalSiloDetails silo, SiloWorkerOptions options, ILogger<SiloWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Prepared?>>> _jobs = new();
    private readonly string _name = JobGrain.SiloName(silo.SiloAddress);
    private readonly ComputeThread _compute = new("subquad-compute");

    /// <summary>How long one long poll of an idle silo waits for a job.</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => Loop(stoppingToken), stoppingToken);

    private async Task Loop(CancellationToken stop)
    {
        var registry = grains.GetGrain<IJobRegistryGrain>(0);
        int rotate = 0;
        int idle = 0;
        List<string>? idleSince = null; // the (empty) running list last seen while idle: the next call waits for a change
        while (!stop.IsCancellationRequested)
        {
            bool worked = false;
            try
            {
                // With no job running the silo waits on the registry (a long poll, answered the moment a job is
                // submitted), so every idle silo starts preparing a new job at once: with a polling interval the
                // silos started up to one interval apart, and the job's time (from its first lease) ran on fewer
                // cores until the last one had loaded its input.
                var running = idleSince is null ? await registry.Running() : await registry.RunningChanged(idleSince, IdleWait).WaitAsync(stop);
                idleSince = running.Count == 0 ? running : null;
                foreach (var id in _jobs.Keys.Except(running).ToList()) _jobs.TryRemove(id, out _);
                for (int k = 0; k < running.Count && !worked; k++)
                {
                    string id = running[(k + rotate) % running.Count];
                    worked = await WorkOn(id, stop);
                }

                rotate++;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The job's coordinator or the registry may be moving to another silo: ask again shortly.
                logger.LogInformation("silo worker: {Message}; retrying", ex.Message);
                await Delay(1000, stop);
                continue;
            }

            // Jobs running but none with a chunk for this silo (every free chunk leased: the end of a job, or chunks
            // held by a silo not yet declared dead): ask again after 100 ms, backing off to 400 ms, so chunks taken
            // back from a dead silo are picked up soon. With no job running, the long poll above does the waiting.
            idle = worked ? 0 : Math.Min(idle + 1, 3);
            if (!worked && idleSince is null) await Delay(100 << idle >> 1, stop);
        }
    }

    /// <summary>
    /// Runs chunks of job <paramref name="id"/> while it has any to give; false when it gave none. Pipelined: while
    /// chunk k runs, the lease of chunk k + 1 is already in hand (or on its way), and the result of chunk k - 1 is
    /// being handed in, its reply carrying the lease of chunk k + 2.
    /// </summary>
    private async Task<bool> WorkOn(string id, CancellationToken stop)
    {
        var job = grains.GetGrain<IJobGrain>(id);
        var prepared = await PreparedFor(id, job);
        if (prepared is null) return false;
        var spec = prepared.Spec;

        // This loop holds no chunk of the job now: any lease the coordinator still counts as ours (left by a failed
        // call) is given back, so a live silo never sits on a chunk it is not running.
        var lease = await job.Lease(_name, holdsNone: true);
        if (lease.Chunk is null) return false;
        var solver = prepared.Solver(_name, logger);
        if (solver is null)
        {
            await job.Fail(_name, prepared.Refusal!);
            return false;
        }

        var merge = solver.Spec;
        bool hints = merge.Mode is PartialMode.Best or PartialMode.Witness;
        List<ScoredPair> known = hints ? WirePair.ToScored(lease.Hint) : [];
        Chunk? current = lease.Chunk;
        Task<Lease>? next = job.Lease(_name); // the second chunk in hand: asked for while the first runs
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        double computing = 0;
        int chunks = 0;
        try
        {
            while (current is not null && !stop.IsCancellationRequested)
            {
                var chunk = current;
                var hint = known;
                long started = Stopwatch.GetTimestamp();
                var pairs = await _compute.Run(() => solver.Run(chunk.FirstTask, chunk.EndTask, options.Threads, hint, cancellationToken: stop), stop);
                computing += Stopwatch.GetElapsedTime(started).TotalSeconds;
                chunks++;
                if (options.ChunkDelay > TimeSpan.Zero) await Task.Delay(options.ChunkDelay, stop);
                if (hints) known = merge.Merge(known, pairs);

                var inHand = next is null ? null : await next;
                next = null;
                if (inHand?.Chunk is { } following)
                {
                    // Hand chunk k in while chunk k + 1 runs; the reply brings the lease after that.
                    next = HandIn(job, spec, chunk, pairs);
                    current = following;
                    if (hints) known = merge.Merge(known, WirePair.ToScored(inHand.Hint));
                }
                else
                {
                    // Nothing in hand (the job's end: every free chunk is leased): hand in and wait for a lease.
                    var after = await HandIn(job, spec, chunk, pairs);
                    current = after.Chunk;
                    if (hints) known = merge.Merge(known, WirePair.ToScored(after.Hint));
                    if (current is not null) next = job.Lease(_name);
                }
            }
        }
        finally
        {
            if (next is not null)
            {
                try
                {
                    await next; // hand in what was computed even when stopping; a failure here changes nothing
                }
                catch (Exception ex)
                {
                    logger.LogInformation("job {Job}: a chunk's result was not handed in ({Message}); it will be run again", id, ex.Message);
                }
            }

            // The process's CPU over the same span: the engine's plus everything else this silo did meanwhile
            // (Orleans, the JIT, the GC); against "computing" x threads it shows what the silo costs beyond the engine.
            logger.LogInformation("job {Job}: {Chunks} chunks on {Threads} thread(s), {Computing:0.00} s computing of {Wall:0.00} s, process CPU {Cpu:0.00} s",
                id, chunks, options.Threads, computing, clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        return chunks > 0;
    }

    /// <summary>Reports a chunk's result (for a join: its shard file first) and returns the lease the reply carries.</summary>
    private async Task<Lease> HandIn(IJobGrain job, JobSpec spec, Chunk chunk, List<ScoredPair> pairs)
    {
        Completion reply;
        if (spec.All)
        {
            string file = await Task.Run(() => ShardFile.Write(spec.ShardDirectory!, chunk.Index, pairs));
            reply = await job.Complete(_name, chunk.Index, [], file, pairs.Count);
            if (!reply.Accepted) File.Delete(Path.Combine(spec.ShardDirectory!, file));
        }
        else
        {
            reply = await job.Complete(_name, chunk.Index, WirePair.From(pairs), null, 0);
        }

        return reply.Next;
    }

    private async Task<Prepared?> PreparedFor(string id, IJobGrain job)
    {
        var prepared = _jobs.GetOrAdd(id, _ => new Lazy<Task<Prepared?>>(() => Prepare(job)));
        try
        {
            return await prepared.Value;
        }
        catch
        {
            _jobs.TryRemove(id, out _); // a transient failure (the coordinator moving): prepare again next time
            throw;
        }
    }

    /// <summary>
    /// Checks and loads a job's input before this silo asks for its first chunk (so the job's time, which starts at
    /// its first lease, excludes loading and hashing, as <c>solve</c>'s time excludes loading); on refusal fails the
    /// job and returns null.
    /// </summary>
    private async Task<Prepared?> Prepare(IJobGrain job)
    {
        var status = await job.Status();
        var spec = status.Spec ?? throw new InvalidOperationException($"job {job.GetPrimaryKeyString()} has no spec");
        if (status.Phase != JobPhase.Running) return null;
        string? refusal = null;
        SimilarityInstance? instance = null;
        EngineWarmUp.Report warm = default;
        var clock = Stopwatch.StartNew();
        await Task.Run(() =>
        {
            try
            {
                foreach (var input in new[] { spec.Input, spec.Against }.OfType<InputRef>())
                {
                    refusal ??= options.DataDirectories.Refusal(input.Path) ?? InputHash.Mismatch(input, _name);
                }

                if (refusal is null && spec.All) refusal = options.DataDirectories.Refusal(Path.Combine(spec.ShardDirectory!, "manifest.json"));
                if (refusal is null) instance = spec.Load();
                if (refusal is null && options.WarmUp) warm = EngineWarmUp.Run(spec, instance!, options.Threads, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Subquad.Core.InputException or ArgumentException or InvalidDataException)
            {
                refusal = ex.Message;
            }
        });

        if (refusal is not null)
        {
            logger.LogError("job {Job} refused: {Reason}", spec.JobId, refusal);
            await job.Fail(_name, refusal);
            return null;
        }

        logger.LogInformation("job {Job}: input checked and loaded in {Seconds:0.00} s ({Tasks} tasks){WarmUp}", spec.JobId, clock.Elapsed.TotalSeconds - warm.Seconds, spec.TaskCount,
            warm.Ran ? FormattableString.Invariant($"; engine warmed in {warm.Seconds:0.00} s ({warm.Rounds} rounds, {warm.Pairs:0.00e0} pairs, {warm.MethodsCompiled} methods compiled)")
            : warm.AlreadyWarm ? "; engine already warm for this shape" : "");
        return new Prepared(spec, instance!);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _compute.Dispose();
        base.Dispose();
    }

    private static async Task Delay(int milliseconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(milliseconds, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A job's checked and loaded input; the solver (the engine's context: row order, quantized rows) is built at
    /// the first chunk, inside the job's time, as <c>solve</c> builds it inside its time.
    /// </summary>
    private sealed class Prepared(JobSpec spec, SimilarityInstance instance)
    {
        private PartialSolver? _solver;

        public JobSpec Spec { get; } = spec;

        /// <summary>Why this silo cannot run the job (set when <see cref="Solver"/> returns null).</summary>
        public string? Refusal { get; private set; }

        public PartialSolver? Solver(string silo, ILogger logger)
        {
            if (_solver is not null || Refusal is not null) return _solver;
            PartialSolver solver;
            try
            {
                solver = Spec.Solver(instance);
            }
            catch (Exception ex) when (ex is ArgumentException or Subquad.Core.InputException)
            {
                Refusal = $"silo {silo}: {ex.Message}";
                logger.LogError("job {Job} refused: {Reason}", Spec.JobId, Refusal);
                return null;
            }

            if (solver.Plan.TaskCount != Spec.TaskCount || solver.Plan.BlockRows != Spec.BlockRows)
            {
                Refusal = $"silo {silo} builds a plan of {solver.Plan.TaskCount} tasks, the job has {Spec.TaskCount}";
                logger.LogError("job {Job} refused: {Reason}", Spec.JobId, Refusal);
                return null;
            }

            return _solver = solver;
        }
    }
}

/// <summary>How a silo works: threads and the directories it may read.</summary>
public sealed class SiloWorkerOptions
{
    /// <summary>Threads a chunk runs on (the silo runs one chunk at a time with all of them).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where jobs may name files.</summary>
    public DataDirectories DataDirectories { get; init; } = new([]);

    /// <summary>
    /// Run each large job's engine code until the JIT is done with it before asking for the job's first chunk
    /// (<see cref="EngineWarmUp"/>); on by default.
    /// </summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>A pause after each chunk, before it is reported (tests: makes small jobs last long enough to kill a silo mid-job).</summary>
    internal TimeSpan ChunkDelay { get; init; }
}
