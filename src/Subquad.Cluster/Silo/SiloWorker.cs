using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Subquad.Cluster.Grains;
using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;

namespace Subquad.Cluster.Silo;

/// <summary>
/// A silo's worker: <see cref="SiloWorkerOptions.Threads"/> loops, each asking the running jobs for a chunk (work
/// pulling: fast silos simply ask more often), running it on the local engine and returning the partial answer.
/// A job's input is checked (data directories, size, SHA-256) and loaded once per silo before its first chunk; a
/// silo that cannot run a job as submitted fails the job with the reason rather than computing a different answer.
/// </summary>
internal sealed class SiloWorker(
    IGrainFactory grains, ILocalSiloDetails silo, SiloWorkerOptions options, ILogger<SiloWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Lazy<Task<PartialSolver?>>> _jobs = new();
    private readonly string _name = JobGrain.SiloName(silo.SiloAddress);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = Enumerable.Range(0, options.Threads).Select(w => Task.Run(() => Loop(w, stoppingToken), stoppingToken));
        return Task.WhenAll(loops);
    }

    private async Task Loop(int worker, CancellationToken stop)
    {
        var registry = grains.GetGrain<IJobRegistryGrain>(0);
        int rotate = worker;
        while (!stop.IsCancellationRequested)
        {
            bool worked = false;
            try
            {
                var running = await registry.Running();
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
                logger.LogInformation("silo worker {Worker}: {Message}; retrying", worker, ex.Message);
                await Delay(1000, stop);
                continue;
            }

            if (!worked) await Delay(100, stop);
        }
    }

    /// <summary>
    /// Runs chunks of job <paramref name="id"/> while it has any to give (each completion brings the next lease in
    /// the same call); false when it gave none.
    /// </summary>
    private async Task<bool> WorkOn(string id, CancellationToken stop)
    {
        var job = grains.GetGrain<IJobGrain>(id);
        var lease = await job.Lease(_name);
        bool worked = false;
        while (lease.Chunk is { } chunk && !stop.IsCancellationRequested)
        {
            var prepared = _jobs.GetOrAdd(id, _ => new Lazy<Task<PartialSolver?>>(() => Prepare(job)));
            PartialSolver? solver;
            try
            {
                solver = await prepared.Value;
            }
            catch
            {
                _jobs.TryRemove(id, out _); // a transient failure (the coordinator moving): prepare again next time
                throw;
            }

            if (solver is null) return worked;
            var spec = (await Spec(job))!;
            var pairs = await Task.Run(() => solver.Run(chunk.FirstTask, chunk.EndTask, 1, WirePair.ToScored(lease.Hint), cancellationToken: stop), stop);
            if (options.ChunkDelay > TimeSpan.Zero) await Task.Delay(options.ChunkDelay, stop);
            Completion reply;
            if (spec.All)
            {
                string file = ShardFile.Write(spec.ShardDirectory!, chunk.Index, pairs);
                reply = await job.Complete(_name, chunk.Index, [], file, pairs.Count);
                if (!reply.Accepted) File.Delete(Path.Combine(spec.ShardDirectory!, file));
            }
            else
            {
                reply = await job.Complete(_name, chunk.Index, WirePair.From(pairs), null, 0);
            }

            worked = true;
            lease = reply.Next;
        }

        return worked;
    }

    private readonly ConcurrentDictionary<string, JobSpec> _specs = new();

    private async Task<JobSpec?> Spec(IJobGrain job)
    {
        string id = job.GetPrimaryKeyString();
        if (_specs.TryGetValue(id, out var spec)) return spec;
        spec = (await job.Status()).Spec;
        if (spec is not null) _specs[id] = spec;
        return spec;
    }

    /// <summary>Checks and loads a job's input; on refusal fails the job and returns null.</summary>
    private async Task<PartialSolver?> Prepare(IJobGrain job)
    {
        var spec = await Spec(job) ?? throw new InvalidOperationException($"job {job.GetPrimaryKeyString()} has no spec");
        string? refusal = null;
        PartialSolver? solver = null;
        await Task.Run(() =>
        {
            try
            {
                foreach (var input in new[] { spec.Input, spec.Against }.OfType<InputRef>())
                {
                    refusal ??= options.DataDirectories.Refusal(input.Path) ?? InputHash.Mismatch(input, _name);
                }

                if (refusal is null && spec.All) refusal = options.DataDirectories.Refusal(Path.Combine(spec.ShardDirectory!, "manifest.json"));
                if (refusal is not null) return;
                solver = spec.Solver(spec.Load());
                if (solver.Plan.TaskCount != spec.TaskCount || solver.Plan.BlockRows != spec.BlockRows)
                {
                    refusal = $"silo {_name} builds a plan of {solver.Plan.TaskCount} tasks, the job has {spec.TaskCount}";
                    solver = null;
                }
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

        logger.LogInformation("job {Job}: input checked and loaded ({Tasks} tasks)", spec.JobId, spec.TaskCount);
        return solver;
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
}

/// <summary>How a silo works: threads (worker loops) and the directories it may read.</summary>
public sealed class SiloWorkerOptions
{
    /// <summary>Worker loops, each running one chunk at a time on one core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where jobs may name files.</summary>
    public DataDirectories DataDirectories { get; init; } = new([]);

    /// <summary>A pause after each chunk, before it is reported (tests: makes small jobs last long enough to kill a silo mid-job).</summary>
    internal TimeSpan ChunkDelay { get; init; }
}
