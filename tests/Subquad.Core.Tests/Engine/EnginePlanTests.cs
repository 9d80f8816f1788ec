using Subquad.Core.Engine;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Core.Tests.Engine;

public class EnginePlanTests
{
    [Theory]
    [InlineData(2, 2, true, 32)]
    [InlineData(33, 33, true, 32)]
    [InlineData(100, 100, true, 32)]
    [InlineData(97, 5, false, 32)]
    [InlineData(1, 70, false, 64)]
    [InlineData(65, 65, true, 32)]
    [InlineData(64, 64, true, 32)]
    [InlineData(1, 1, true, 32)]
    [InlineData(0, 0, true, 32)]
    [InlineData(0, 9, false, 32)]
    [InlineData(161, 161, true, 32)]
    public void Create_CoversEveryCandidatePairExactlyOnce(int countA, int countB, bool mono, int blockRows)
    {
        var plan = EnginePlan.Create(countA, countB, mono, blockRows);
        var seen = new HashSet<(int, int)>();
        var tasks = plan.EnumerateTasks().ToList();
        foreach (var task in tasks)
        {
            for (int p = task.StartA; p < task.EndA; p++)
            {
                for (int q = task.StartB; q < task.EndB; q++)
                {
                    if (task.Diagonal && q <= p) continue;
                    Assert.True(seen.Add((p, q)), $"pair ({p}, {q}) visited twice");
                }
            }
        }

        long expected = mono ? (long)countA * (countA - 1) / 2 : (long)countA * countB;
        Assert.Equal(expected, seen.Count);
        Assert.Equal(expected, plan.PairCount);
        Assert.Equal(expected, tasks.Sum(t => t.PairCount));
        if (mono) Assert.All(seen, pair => Assert.True(pair.Item1 < pair.Item2));
        Assert.Equal(plan.TaskCount, tasks.Count);
        Assert.Equal(Enumerable.Range(0, tasks.Count).Select(k => (long)k), tasks.Select(t => t.Index));
        Assert.All(tasks, t => Assert.True(t.PairCount > 0, $"task {t.Index} has no pair"));
        for (int band = 0; band < plan.BandsA; band++) Assert.Equal(tasks.Count(t => t.BandA == band), plan.TasksInBand(band));
        // Band-major order: (BandA, BandB) strictly increasing lexicographically.
        for (int k = 1; k < tasks.Count; k++) Assert.True((tasks[k - 1].BandA, tasks[k - 1].BandB).CompareTo((tasks[k].BandA, tasks[k].BandB)) < 0);
    }

    [Fact]
    public void TaskAt_HugeMonochromaticPlan_IsComputedWithoutListing()
    {
        // 8M rows in 64-row blocks: 131,072 bands, 8.6e9 tasks; listing them would take 275 GB.
        var plan = EnginePlan.Create(8_388_608, 8_388_608, true, 64);
        Assert.Equal(131_072L * 131_073 / 2, plan.TaskCount);
        var rng = new Random(5);
        for (int k = 0; k < 2000; k++)
        {
            long index = k < 2 ? (k == 0 ? 0 : plan.TaskCount - 1) : rng.NextInt64(plan.TaskCount);
            var task = plan.TaskAt(index);
            Assert.Equal(index, task.Index);
            Assert.InRange(task.BandB, task.BandA, plan.BandsB - 1);
            long first = (long)task.BandA * plan.BandsA - (long)task.BandA * (task.BandA - 1) / 2;
            Assert.Equal(index - first, task.BandB - task.BandA);
        }
    }

    [Fact]
    public void Solve_ReportsProgressUpToOne()
    {
        var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(300, 64, 0.2, 1));
        var reports = new List<double>();
        var progress = new SynchronousProgress(reports);
        new TiledEngine(blockRows: 32).Solve(instance, Problem.Exact(ProblemKind.MaxIp), new SolveOptions { Progress = progress, Threads = 2 });
        Assert.NotEmpty(reports);
        Assert.Equal(1.0, reports.Max(), 12);
        Assert.All(reports, r => Assert.InRange(r, 0.0, 1.0));
    }

    [Fact]
    public void Solve_CancelledToken_ThrowsOperationCanceled()
    {
        var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(200, 64, 0.2, 1));
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TiledEngine.Default.Solve(instance, Problem.Exact(ProblemKind.Msd), new SolveOptions { CancellationToken = source.Token }));
        Assert.ThrowsAny<OperationCanceledException>(() => TiledEngine.Default.PairsMeeting(instance, Problem.OrthogonalVectors, _ => true, new SolveOptions { CancellationToken = source.Token }));
    }

    [Fact]
    public void Constructor_BlockRowsNotMultipleOf32_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TiledEngine(blockRows: 48));

    private sealed class SynchronousProgress(List<double> reports) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (reports) reports.Add(value);
        }
    }
}
