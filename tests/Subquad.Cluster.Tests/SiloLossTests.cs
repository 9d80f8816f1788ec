using Subquad.Cluster.Client;
using Subquad.Cluster.Jobs;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Tests;

/// <summary>
/// Killing a silo mid-job, a worker or the one hosting the job's coordinator, changes nothing: the lost chunks are
/// taken back once the cluster declares the silo dead, the coordinator is reactivated from storage elsewhere, and
/// the answer (a best pair; a join's shard union) equals the local engine's, with no pair lost or duplicated.
/// </summary>
public class SiloLossTests
{
    private static async Task<JobStatus> WaitFor(TestCluster c, string job, Func<JobStatus, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await c.Session.Status(job);
            if (until(status)) return status;
            Assert.True(status.Phase == JobPhase.Running, $"job ended before the kill: {status.Phase}");
            Assert.True(DateTime.UtcNow < deadline, "job made no progress");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task KillingAWorkerSiloMidJobChangesNothing()
    {
        await using var c = await TestCluster.Start(3, TimeSpan.FromMilliseconds(100));
        var instance = Instances.Make(new Random(31), false, false, 1500, 24);
        var files = ClusterJobs.Write(c.DataDirectory, instance, "kill-worker");
        var job = ClusterJobs.Spec(c.DataDirectory, instance, files, Problem.Exact(ProblemKind.Msd), chunkTasks: 2);
        var loaded = job.Load();
        await c.Session.Submit(job);
        var before = await WaitFor(c, job.JobId, s => s.ChunksDone >= s.ChunkCount / 4);
        var victim = c.Cluster.Silos.First(s => Grains.JobGrain.SiloName(s.SiloAddress) != before.CoordinatorSilo);
        await c.Cluster.KillSiloAsync(victim);
        var status = await c.Session.Wait(job.JobId, null, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(JobPhase.Done, status.Phase);
        Assert.True(status.LeasesReclaimed >= 1, "the killed silo held a chunk that had to be taken back");
        ClusterJobs.Same(ClusterJobs.Local(loaded, job), JobResults.Answers(status), "after killing a worker silo");
    }

    [Fact]
    public async Task KillingTheCoordinatorsSiloMidJoinLosesAndDuplicatesNoPair()
    {
        await using var c = await TestCluster.Start(3, TimeSpan.FromMilliseconds(100));
        var instance = Instances.Make(new Random(32), true, false, 1500, 60);
        var files = ClusterJobs.Write(c.DataDirectory, instance, "kill-coordinator");
        var probe = ClusterJobs.Spec(c.DataDirectory, instance, files, Problem.Exact(ProblemKind.Msd));
        var loaded = probe.Load();
        var t = Subquad.Core.Engine.TiledEngine.Default.TopPairs(loaded, ProblemKind.Msd, 400)[^1].Score.Value;
        var job = ClusterJobs.Spec(c.DataDirectory, loaded, files, Problem.WithThreshold(ProblemKind.Msd, Rational.FromDouble(t)), all: true, chunkTasks: 2);
        await c.Session.Submit(job);
        var before = await WaitFor(c, job.JobId, s => s.ChunksDone >= s.ChunkCount / 4);
        var victim = c.Cluster.Silos.Single(s => Grains.JobGrain.SiloName(s.SiloAddress) == before.CoordinatorSilo);
        await c.Cluster.KillSiloAsync(victim);
        var status = await c.Session.Wait(job.JobId, null, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(JobPhase.Done, status.Phase);
        Assert.NotEqual(before.CoordinatorSilo, status.CoordinatorSilo);
        Assert.True(status.ChunksDone >= before.ChunksDone, "progress merged before the kill was kept");
        var local = ClusterJobs.Local(loaded, job);
        Assert.True(local.Count >= 400);
        ClusterJobs.Same(local, JobResults.Pairs(status).ToList(), "after killing the coordinator's silo");
        var names = Directory.EnumerateFiles(job.ShardDirectory!).Select(f => Path.GetFileName(f)!).Order().ToList();
        Assert.Equal(status.Shards.Select(s => s.File).Append("manifest.json").Order().ToList(), names);
    }
}
