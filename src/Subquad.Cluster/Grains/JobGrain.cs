using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;
using Subquad.Core.IO;

namespace Subquad.Cluster.Grains;

/// <summary>
/// The job's coordinator (see <see cref="IJobGrain"/>). Leases live in memory only: when this grain is lost with its
/// silo and reactivated elsewhere, every chunk not yet merged is free again, and a chunk finished twice keeps its
/// first result (results are deterministic, so which one is kept does not matter; join shards of the loser are
/// deleted). Progress itself is written to storage before a completion is acknowledged, so nothing merged is lost.
/// </summary>
internal sealed class JobGrain(
    [PersistentState("job", ClusterNames.Storage)] IPersistentState<JobState> state,
    ILocalSiloDetails localSilo,
    ILogger<JobGrain> logger) : Grain, IJobGrain
{
    private static readonly TimeSpan MembershipRefresh = TimeSpan.FromSeconds(1);

    private List<Chunk> _chunks = [];
    private readonly Dictionary<int, (string Silo, DateTime SinceUtc)> _leases = [];
    private readonly Dictionary<string, DateTime> _lastCompletion = [];
    private int _cursor;
    private int _doneCount;
    private HashSet<string>? _liveSilos;
    private DateTime _liveCheckedUtc;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is { } spec) _chunks = spec.Chunks();
        _doneCount = state.State.Done.Count(d => d != 0);
        return Task.CompletedTask;
    }

    public async Task Submit(JobSpec spec)
    {
        if (state.State.Spec is { } existing)
        {
            if (existing != spec) throw new InvalidOperationException($"job {spec.JobId} already exists with another input or problem");
            return;
        }

        var plan = spec.Plan();
        if (plan.TaskCount != spec.TaskCount) throw new ArgumentException($"job {spec.JobId}: the plan has {plan.TaskCount} tasks, the spec says {spec.TaskCount}");
        _chunks = spec.Chunks();
        _doneCount = 0;
        state.State = new JobState
        {
            Spec = spec,
            Phase = _chunks.Count == 0 ? JobPhase.Done : JobPhase.Running,
            Done = new byte[_chunks.Count],
            SubmittedUtc = DateTime.UtcNow,
            FinishedUtc = _chunks.Count == 0 ? DateTime.UtcNow : null,
        };
        await state.WriteStateAsync();
        if (state.State.Phase == JobPhase.Done) WriteManifest();
        else await Registry.Add(spec.JobId);
    }

    public async Task<Lease> Lease(string silo, bool holdsNone = false)
    {
        var s = state.State;
        if (s.Phase != JobPhase.Running) return new Lease { Phase = s.Phase == JobPhase.Unknown && s.Spec is null ? JobPhase.Unknown : s.Phase };
        int held = 0;
        foreach (var (index, lease) in _leases.ToList())
        {
            if (lease.Silo != silo) continue;
            if (holdsNone) _leases.Remove(index);
            else held++;
        }

        // A second chunk in hand only while every other silo could still get one (the free chunks outnumber the
        // leases out): at the job's end a chunk waiting in one silo's hand would idle another silo.
        if (held > 0 && _chunks.Count - _doneCount - _leases.Count <= _leases.Count) return new Lease { Phase = JobPhase.Running };
        int chunk = NextFree();
        if (chunk < 0)
        {
            if (held > 0) return new Lease { Phase = JobPhase.Running };

            // Every remaining chunk is leased: take back those held by silos the cluster has declared dead.
            var live = await LiveSilos();
            foreach (var (index, lease) in _leases.ToList())
            {
                if (!live.Contains(lease.Silo))
                {
                    _leases.Remove(index);
                    s.LeasesReclaimed++;
                    logger.LogWarning("job {Job}: chunk {Chunk} taken back from silo {Silo}, which the cluster declared dead", s.Spec!.JobId, index, lease.Silo);
                }
            }

            _cursor = 0;
            chunk = NextFree();
            if (chunk < 0) return new Lease { Phase = JobPhase.Running };
        }

        _leases[chunk] = (silo, DateTime.UtcNow);
        if (s.StartedUtc is null)
        {
            s.StartedUtc = DateTime.UtcNow; // persisted with the first merge
        }

        var hint = s.Spec!.All || s.Spec.Top is not null ? [] : s.Merged;
        return new Lease { Phase = JobPhase.Running, Chunk = _chunks[chunk], Hint = hint };
    }

    public async Task<Completion> Complete(string silo, int chunk, List<WirePair> pairs, string? shardFile, long shardPairs)
    {
        bool accepted = await Merge(silo, chunk, pairs, shardFile, shardPairs);
        return new Completion { Accepted = accepted, Next = await Lease(silo) };
    }

    private async Task<bool> Merge(string silo, int chunk, List<WirePair> pairs, string? shardFile, long shardPairs)
    {
        var s = state.State;
        if (s.Spec is null || chunk < 0 || chunk >= _chunks.Count) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "no such chunk in this job");
        _lastCompletion[silo] = DateTime.UtcNow;
        _leases.Remove(chunk); // whoever else holds it (a silo taken for dead that was not) need not finish it
        if (s.Done[chunk] != 0 || s.Phase != JobPhase.Running)
        {
            s.DuplicatesDiscarded++;
            return false;
        }

        var merge = s.Spec.Merge();
        if (merge.Mode == PartialMode.Join)
        {
            if (shardFile is null) throw new ArgumentException("a join chunk completes with its shard file", nameof(shardFile));
            s.Shards.Add(new ShardRef { Chunk = chunk, Band = _chunks[chunk].Band, File = shardFile, Pairs = shardPairs });
        }
        else
        {
            s.Merged = WirePair.From(merge.Merge(WirePair.ToScored(s.Merged), WirePair.ToScored(pairs)));
        }

        var c = _chunks[chunk];
        s.Done[chunk] = 1;
        _doneCount++;
        s.TasksDone += c.EndTask - c.FirstTask;
        s.PairsDone += PairsIn(c);
        bool finished = s.TasksDone == s.Spec.TaskCount;
        if (finished)
        {
            s.Phase = JobPhase.Done;
            s.FinishedUtc = DateTime.UtcNow;
            s.Shards.Sort((x, y) => x.Chunk.CompareTo(y.Chunk));
        }

        await state.WriteStateAsync();
        if (finished)
        {
            if (merge.Mode == PartialMode.Join) WriteManifest();
            await Registry.Finished(s.Spec.JobId);
        }

        return true;
    }

    public async Task Fail(string silo, string reason)
    {
        var s = state.State;
        if (s.Spec is null || s.Phase != JobPhase.Running) return;
        s.Phase = JobPhase.Failed;
        s.Error = reason;
        s.FinishedUtc = DateTime.UtcNow;
        await state.WriteStateAsync();
        await Registry.Finished(s.Spec.JobId);
    }

    public Task<JobStatus> Status()
    {
        var s = state.State;
        var now = DateTime.UtcNow;
        return Task.FromResult(new JobStatus
        {
            JobId = this.GetPrimaryKeyString(),
            Phase = s.Spec is null ? JobPhase.Unknown : s.Phase,
            Spec = s.Spec,
            Error = s.Error,
            ChunksDone = s.Done.Count(d => d != 0),
            ChunkCount = s.Done.Length,
            TasksDone = s.TasksDone,
            PairsDone = s.PairsDone,
            PairCount = s.Spec?.Plan().PairCount ?? 0,
            Seconds = s.StartedUtc is { } started ? ((s.FinishedUtc ?? now) - started).TotalSeconds : 0,
            StartSeconds = s.Spec is null ? 0 : ((s.StartedUtc ?? s.FinishedUtc ?? now) - s.SubmittedUtc).TotalSeconds,
            Result = s.Phase == JobPhase.Done ? s.Merged : [],
            Shards = s.Phase == JobPhase.Done ? s.Shards : [],
            DuplicatesDiscarded = s.DuplicatesDiscarded,
            LeasesReclaimed = s.LeasesReclaimed,
            SilosWorking = _lastCompletion.Count(kv => now - kv.Value < TimeSpan.FromSeconds(10)),
            CoordinatorSilo = SiloName(localSilo.SiloAddress),
        });
    }

    private IJobRegistryGrain Registry => GrainFactory.GetGrain<IJobRegistryGrain>(0);

    private long PairsIn(Chunk c)
    {
        var plan = state.State.Spec!.Plan();
        long pairs = 0;
        for (long t = c.FirstTask; t < c.EndTask; t++) pairs += plan.TaskAt(t).PairCount;
        return pairs;
    }

    private int NextFree()
    {
        var done = state.State.Done;
        for (; _cursor < _chunks.Count; _cursor++)
        {
            if (done[_cursor] == 0 && !_leases.ContainsKey(_cursor)) return _cursor++;
        }

        return -1;
    }

    private async Task<HashSet<string>> LiveSilos()
    {
        if (_liveSilos is null || DateTime.UtcNow - _liveCheckedUtc > MembershipRefresh)
        {
            var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            _liveSilos = hosts.Keys.Select(SiloName).ToHashSet();
            _liveCheckedUtc = DateTime.UtcNow;
        }

        return _liveSilos;
    }

    /// <summary>The name a silo gives itself when it asks for work.</summary>
    public static string SiloName(SiloAddress address) => address.ToParsableString();

    /// <summary>
    /// The join's manifest beside its shards (written atomically once every chunk is merged), and the removal of
    /// shards that lost a race or were left by a silo that died after writing: the manifest names exactly the
    /// accepted shard of each chunk.
    /// </summary>
    private void WriteManifest()
    {
        var s = state.State;
        if (s.Spec?.ShardDirectory is not string directory) return;
        Directory.CreateDirectory(directory);
        var accepted = s.Shards.Select(x => x.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "chunk-*"))
        {
            if (!accepted.Contains(Path.GetFileName(file))) File.Delete(file);
        }

        var manifest = new
        {
            schema = "subquad.cluster_manifest/1",
            job_id = s.Spec.JobId,
            problem = s.Spec.ToProblem().ToString(),
            pairs = s.Shards.Sum(x => x.Pairs),
            chunks = s.Done.Length,
            shards = s.Shards.Select(x => new { chunk = x.Chunk, band = x.Band, file = x.File, pairs = x.Pairs }),
        };
        AtomicFile.Write(Path.Combine(directory, "manifest.json"), stream => JsonSerializer.Serialize(stream, manifest, new JsonSerializerOptions { WriteIndented = true }));
    }
}
