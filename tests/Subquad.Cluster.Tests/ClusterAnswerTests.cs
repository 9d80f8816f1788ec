using Subquad.Cluster.Client;
using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Tests;

/// <summary>A 3-silo in-process cluster shared by the tests of this class.</summary>
public sealed class ThreeSilos : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await TestCluster.Start(3, TimeSpan.Zero);

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// On a 3-silo cluster, every kind, form and mode gives the local engine's answer bit for bit (ties included), a
/// threshold join's shards assemble into exactly the local <c>--all</c> output, and inputs a silo must not or cannot
/// read fail the job with one clear reason.
/// </summary>
public class ClusterAnswerTests(ThreeSilos fixture) : IClassFixture<ThreeSilos>
{
    private TestCluster C => fixture.Cluster;

    private static readonly TimeSpan NoSilo = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(true, false, 11)]
    [InlineData(true, true, 12)]
    [InlineData(false, false, 13)]
    [InlineData(false, true, 14)]
    public async Task EveryKindFormAndModeEqualsTheLocalEngine(bool binary, bool bichromatic, int seed)
    {
        var random = new Random(seed);
        var instance = Instances.Make(random, binary, bichromatic, 300 + random.Next(200), binary ? 40 + random.Next(100) : 8 + random.Next(24));
        var files = ClusterJobs.Write(C.DataDirectory, instance, $"answers-{seed}");
        var loaded = ClusterJobs.Spec(C.DataDirectory, instance, files, Problem.Exact(ProblemKind.MaxIp)).Load();
        var jobs = new List<JobSpec>();
        foreach (var kind in Enum.GetValues<ProblemKind>())
        {
            if (kind.NeedsBinary() && !binary) continue;
            var exact = Problem.Exact(kind);
            jobs.Add(ClusterJobs.Spec(C.DataDirectory, loaded, files, exact, chunkTasks: 1 + random.Next(3)));
            jobs.Add(ClusterJobs.Spec(C.DataDirectory, loaded, files, exact, top: 1 + random.Next(40), chunkTasks: 1 + random.Next(3)));
            if (kind == ProblemKind.Ov)
            {
                jobs.Add(ClusterJobs.Spec(C.DataDirectory, loaded, files, exact, all: true, chunkTasks: 1 + random.Next(3)));
                continue;
            }

            jobs.Add(ClusterJobs.Spec(C.DataDirectory, loaded, files, Problem.Approximate(kind, new Rational(3, 2)), chunkTasks: 2));
            // Thresholds on the 30th best score and one ulp (or one) either side: yes/no decisions and joins of a few dozen pairs.
            var top = TiledEngine.Default.TopPairs(loaded, kind, 30);
            foreach (var t in Instances.Thresholds(kind, top[^1].Score.Value))
            {
                Problem p;
                try
                {
                    p = Problem.WithThreshold(kind, t);
                    loaded.Validate(p);
                }
                catch (Exception ex) when (ex is ArgumentOutOfRangeException or Subquad.Core.InputException)
                {
                    continue;
                }

                jobs.Add(ClusterJobs.Spec(C.DataDirectory, loaded, files, p, chunkTasks: 1 + random.Next(3)));
                if (!(kind == ProblemKind.MinIp && !binary)) jobs.Add(ClusterJobs.Spec(C.DataDirectory, loaded, files, p, all: true, chunkTasks: 1 + random.Next(3)));
            }
        }

        foreach (var job in jobs) await C.Session.Submit(job);
        foreach (var job in jobs)
        {
            var status = await C.Session.Wait(job.JobId, null, NoSilo, TestContext.Current.CancellationToken);
            Assert.True(status.Phase == JobPhase.Done, $"{job.JobId}: {status.Phase} {status.Error}");
            Assert.Equal(job.TaskCount, status.TasksDone);
            string what = $"{job.ToProblem()} top={job.Top} all={job.All} ({(binary ? "binary" : "dense")}, {(bichromatic ? "A x B" : "one set")}, n={loaded.A.Count})";
            var actual = job.All ? JobResults.Pairs(status).ToList() : JobResults.Answers(status);
            ClusterJobs.Same(ClusterJobs.Local(loaded, job), actual, what);
            if (job.All)
            {
                var names = Directory.EnumerateFiles(job.ShardDirectory!).Select(f => Path.GetFileName(f)!).Order().ToList();
                Assert.Equal(status.Shards.Select(s => s.File).Append("manifest.json").Order().ToList(), names);
                Assert.Equal(status.Shards.Count, status.ChunkCount);
            }
        }
    }

    [Fact]
    public async Task AFileThatDiffersBetweenSilosFailsTheJobWithTheReason()
    {
        var random = new Random(21);
        var instance = Instances.Make(random, true, false, 300, 50);
        var files = ClusterJobs.Write(C.DataDirectory, instance, "differs");
        var altered = files with { Input = files.Input with { Sha256 = new string('0', 64) } };
        var job = ClusterJobs.Spec(C.DataDirectory, instance, altered, Problem.Exact(ProblemKind.Msd));
        await C.Session.Submit(job);
        var status = await C.Session.Wait(job.JobId, null, NoSilo, TestContext.Current.CancellationToken);
        Assert.Equal(JobPhase.Failed, status.Phase);
        Assert.Contains("differs between machines", status.Error);
        Assert.Throws<ClusterException>(() => JobResults.Answers(status));

        var resized = files with { Input = files.Input with { Size = files.Input.Size + 1 } };
        var job2 = ClusterJobs.Spec(C.DataDirectory, instance, resized, Problem.Exact(ProblemKind.Msd));
        await C.Session.Submit(job2);
        var status2 = await C.Session.Wait(job2.JobId, null, NoSilo, TestContext.Current.CancellationToken);
        Assert.Equal(JobPhase.Failed, status2.Phase);
        Assert.Contains("bytes", status2.Error);
    }

    [Fact]
    public async Task APathOutsideTheDataDirectoriesIsRefused()
    {
        var outside = Directory.CreateTempSubdirectory("subquad-outside-");
        try
        {
            var instance = Instances.Make(new Random(22), true, false, 300, 50);
            var files = ClusterJobs.Write(outside.FullName, instance, "outside");
            var job = ClusterJobs.Spec(C.DataDirectory, instance, files, Problem.Exact(ProblemKind.Msd));
            await C.Session.Submit(job);
            var status = await C.Session.Wait(job.JobId, null, NoSilo, TestContext.Current.CancellationToken);
            Assert.Equal(JobPhase.Failed, status.Phase);
            Assert.Contains("outside this silo's data directories", status.Error);

            // A "../" path that resolves outside is refused the same way.
            string sneaky = Path.Combine(C.DataDirectory, "..", outside.Name, "outside.npy");
            var job2 = ClusterJobs.Spec(C.DataDirectory, instance, files with { Input = files.Input with { Path = sneaky } }, Problem.Exact(ProblemKind.Msd));
            await C.Session.Submit(job2);
            var status2 = await C.Session.Wait(job2.JobId, null, NoSilo, TestContext.Current.CancellationToken);
            Assert.Equal(JobPhase.Failed, status2.Phase);
            Assert.Contains("outside this silo's data directories", status2.Error);
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ResubmittingTheSameJobIsANoOpAndADifferentSpecUnderItsIdIsRefused()
    {
        var instance = Instances.Make(new Random(23), true, false, 300, 50);
        var files = ClusterJobs.Write(C.DataDirectory, instance, "resubmit");
        var job = ClusterJobs.Spec(C.DataDirectory, instance, files, Problem.Exact(ProblemKind.Lsd));
        await C.Session.Submit(job);
        await C.Session.Submit(job);
        var status = await C.Session.Wait(job.JobId, null, NoSilo, TestContext.Current.CancellationToken);
        ClusterJobs.Same(ClusterJobs.Local(instance, job), JobResults.Answers(status), "resubmitted");
        await Assert.ThrowsAnyAsync<Exception>(() => C.Session.Submit(job with { Problem = ProblemKind.Msd }));
    }
}
