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
    public void Create_CoversEveryCandidatePairExactlyOnce(int countA, int countB, bool mono, int blockRows)
    {
        var plan = EnginePlan.Create(countA, countB, mono, blockRows);
        var seen = new HashSet<(int, int)>();
        foreach (var task in plan.Tasks)
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
        Assert.Equal(expected, plan.Tasks.Sum(t => t.PairCount));
        if (mono) Assert.All(seen, pair => Assert.True(pair.Item1 < pair.Item2));
        Assert.Equal(Enumerable.Range(0, plan.Tasks.Count), plan.Tasks.Select(t => t.Index));
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
