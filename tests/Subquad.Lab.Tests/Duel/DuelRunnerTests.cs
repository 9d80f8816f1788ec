using Subquad.Lab.Analysis;
using Subquad.Lab.Duel;

namespace Subquad.Lab.Tests.Duel;

public sealed class DuelRunnerTests
{
    private static readonly Lazy<DuelResult> SmallRun = new(() => new DuelRunner(DuelTestExperiments.Small()).Run());

    [Fact]
    public void SmallDuel_Runs_WithEveryContenderAndBothReferenceRows()
    {
        var result = SmallRun.Value;
        Assert.True(result.Completed);
        Assert.Empty(result.Skipped);
        var kinds = result.Rows.Select(r => r.Kind).ToHashSet();
        foreach (string kind in new[] { "exact", "transformer", "window", "lsh", "performer", "linformer", "clustered", "taylor", "linear-causal", "onepass-keep-first", "onepass-keep-by-weight", "onepass-reservoir", "mamba", "onepass@mamba" })
        {
            Assert.Contains(kind, kinds);
        }

        // The robust-scale construction through exact attention is always right, as the exact engine is by definition.
        Assert.All(result.Rows.Where(r => r.Kind is "exact" or "transformer"), r => Assert.True(r.Correct));
        Assert.All(result.Rows.Where(r => r.Kind == "mamba"), r => Assert.Null(r.Correct));

        // Recurrent rows carry their state: causal linear attention with the order-p Taylor map on the construction's
        // m query/key columns keeps f (d_out + 1) numbers, f = sum_{r <= p} m^r.
        foreach (var row in result.Rows.Where(r => r.Kind == "linear-causal"))
        {
            var shape = DuelRunner.Construct(Core.Problems.SimilarityInstance.Monochromatic(Core.Generators.InstanceGenerator.RandomBinary(row.N, row.Dimensions, 0.3, 1)), Core.Problems.Problem.OrthogonalVectors).Weights;
            long m = shape.EmbeddingDimension, outputs = shape.OutputWidth + 1, f = 0, power = 1;
            for (int r = 0; r <= row.Budget; r++, power *= m) f += power;
            Assert.Equal(f * outputs, row.StateNumbers);
            Assert.Equal(f * outputs * 32, row.StateBits);
        }
        Assert.Equal(2 * 2 * 4, result.Rows.Count(r => r.Kind == "transformer"));

        // Balanced by construction: every cell has exactly half yes-instances, and the truth is the oracle's.
        Assert.All(result.CellInfos, c => Assert.Equal(c.Trials / 2, c.Yes));
        Assert.All(result.CellInfos, c => Assert.False(c.Control));
    }

    [Fact]
    public void Window_CoveringEveryRow_IsExactlyAsGoodAsTheTransformer()
    {
        var experiment = DuelTestExperiments.Small() with { Mixers = [new MixerSpec { Kind = "window", Budgets = [64] }, new MixerSpec { Kind = "clustered", Budgets = [64] }], Trials = 6 };
        var rows = new DuelRunner(experiment).Run().Rows.Where(r => r.Kind is "window" or "clustered").ToList();
        Assert.Equal(2 * 2 * 2 * 6 * 2, rows.Count); // every rung reaches the target, so each also runs its confirmation batch
        Assert.All(rows.Where(r => r.Kind == "window"), r => Assert.True(r.FullAttention));
        Assert.All(rows, r => Assert.True(r.Correct));
    }

    [Fact]
    public void DuelRows_AreReproducibleFromTheirSeed()
    {
        var again = new DuelRunner(DuelTestExperiments.Small()).Run();
        var first = SmallRun.Value.Rows.Select(r => r with { TimeMs = 0 }).ToList();
        var second = again.Rows.Select(r => r with { TimeMs = 0 }).ToList();
        Assert.Equal(first, second);
        var other = new DuelRunner(DuelTestExperiments.Small(seed: 8)).Run();
        Assert.NotEqual(first.Select(r => r.Seed), other.Rows.Select(r => r.Seed));
    }

    [Fact]
    public void Summary_FindsBudgetsAndFitsExponents()
    {
        var summary = DuelSummary.From(SmallRun.Value);
        Assert.NotEmpty(summary.Requirements);
        Assert.Contains(summary.Requirements, r => r.Kind == "onepass-best" && r.Budget is not null);
        foreach (var requirement in summary.Requirements.Where(r => r.Budget is not null))
        {
            Assert.True(requirement.Best.Ci95Low >= summary.Target, $"{requirement.Kind} at n = {requirement.N}: {requirement.Best}");
            Assert.NotNull(requirement.Confirmation);
            Assert.True(requirement.Confirmation.Ci95Low >= summary.Target);
        }
        var exact = summary.FitFor("critical", "exact", "flops");
        Assert.NotNull(exact);
        Assert.True(exact.Fit.Slope > 1.9, $"exact engine operation count slope {exact.Fit.Slope}");
        foreach (var cell in summary.Cells) Assert.InRange(cell.Correct, 0, cell.Decided);
        Assert.NotNull(exact.Ci95Low);
        Assert.InRange(exact.Fit.Slope, exact.Ci95Low!.Value - 1e-9, exact.Ci95High!.Value + 1e-9);
    }

    [Fact]
    public void Cancellation_ReturnsWhatFinished()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Done >= 3) cancel.Cancel();
        });
        var result = new DuelRunner(DuelTestExperiments.Small()).Run(progress, cancel.Token);
        Assert.False(result.Completed);
        Assert.NotEmpty(result.Rows);
        Assert.True(result.Rows.Count < SmallRun.Value.Rows.Count);
    }

    [Fact]
    public void UnknownFamilyKind_IsAnError_NamingTheKnownOnes()
    {
        var experiment = DuelTestExperiments.Small() with { Families = [new FamilySpec { Kind = "sats" }] };
        var error = Assert.Throws<Core.InputException>(() => new DuelRunner(experiment));
        Assert.Contains("\"sats\" is not one of random, planted, critical, sat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooFewTrialsForTheTarget_IsRefusedUpFront_SayingWhatToChange()
    {
        var error = Assert.Throws<Core.InputException>(() => new DuelRunner(DuelTestExperiments.Small() with { TargetAccuracy = 0.99 }));
        Assert.Contains("at least 381 trials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BudgetAboveTheCap_IsRefusedBeforeAnyWork()
    {
        var experiment = DuelTestExperiments.Small() with { CapExponent = 1.5, Mixers = [new MixerSpec { Kind = "window", Budgets = [64] }] };
        var runner = new DuelRunner(experiment);
        var error = Assert.Throws<Core.InputException>(() => runner.Preflight());
        Assert.Contains("cap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlFamily_IsFlagged_AndLeftOutOfFits()
    {
        var experiment = DuelTestExperiments.Small() with { Families = [new FamilySpec { Kind = "random", Density = 0.25 }], Mixers = [new MixerSpec { Kind = "onepass", Policy = "first" }] };
        var result = new DuelRunner(experiment).Run();
        Assert.All(result.CellInfos, c => Assert.True(c.Control));
        Assert.All(result.Rows, r => Assert.True(r.Control));
        Assert.Empty(DuelSummary.From(result).Fits);
    }

    [Fact]
    public void Resume_TakesFinishedCellsAsTheyAre()
    {
        var first = SmallRun.Value;
        var cells = first.CellInfos.Take(2).Select(c => DuelRunner.CellKey(c.Family, c.N)).ToList();
        var kept = first.Rows.Where(r => cells.Contains(DuelRunner.CellKey(r.Family, r.N))).ToList();
        var again = new DuelRunner(DuelTestExperiments.Small()) { Resume = kept, ResumeCells = cells }.Run();
        Assert.Equal(first.Rows.Select(r => r with { TimeMs = 0 }).OrderBy(r => r.Family).ThenBy(r => r.N).ThenBy(r => r.Kind).ThenBy(r => r.Budget).ThenBy(r => r.Batch).ThenBy(r => r.Trial),
            again.Rows.Select(r => r with { TimeMs = 0 }).OrderBy(r => r.Family).ThenBy(r => r.N).ThenBy(r => r.Kind).ThenBy(r => r.Budget).ThenBy(r => r.Batch).ThenBy(r => r.Trial));
    }

    [Fact]
    public void Resume_KeepsTheResumedCellsCapHitsLambdaPointsAndTimings()
    {
        // Every cell resumed: the second run computes nothing, so whatever it reports about cap hits, the lambda sweep
        // and timings must come from the checkpoint (the first full default run lost them for its resumed cells).
        var first = SmallRun.Value;
        var cells = first.CellInfos.Select(c => DuelRunner.CellKey(c.Family, c.N)).ToList();
        var records = new DuelCheckpoint(first.Rows, cells, first.CapHits, first.LambdaPoints, first.CellTimings);
        var again = new DuelRunner(DuelTestExperiments.Small()) { Resume = first.Rows, ResumeCells = cells, ResumeRecords = records }.Run();
        Assert.Equal(first.CapHits.OrderBy(c => c.Family).ThenBy(c => c.N).ThenBy(c => c.Kind), again.CapHits.OrderBy(c => c.Family).ThenBy(c => c.N).ThenBy(c => c.Kind));
        Assert.Equal(first.LambdaPoints.Count, again.LambdaPoints.Count);
        Assert.Equal(first.CellTimings.Count, again.CellTimings.Count);
        var without = new DuelRunner(DuelTestExperiments.Small()) { Resume = first.Rows, ResumeCells = cells }.Run();
        Assert.Empty(without.CellTimings);
    }

    [Fact]
    public void TwoJobs_GiveTheOneJobResult_InTheSameOrder()
    {
        // Cells in parallel (largest n first, each on its own thread) must change nothing but the times: the same rows
        // in the experiment's order, the same cap hits and lambda points, a timing per cell, and every cell reported
        // finished exactly once.
        var one = SmallRun.Value;
        var finished = new List<string>();
        int lastDone = 0;
        var checkpoints = new List<DuelResult>();
        var two = new DuelRunner(DuelTestExperiments.Small()) { Jobs = 2, CellFinished = checkpoints.Add }.Run(new SynchronousProgress(p =>
        {
            lock (finished)
            {
                if (p.CellFinished is { } cell) finished.Add(cell);
                Assert.True(p.Done > lastDone, "progress counts only go up");
                lastDone = p.Done;
            }
        }));
        Assert.True(two.Completed);
        Assert.Equal(2, two.Jobs);
        Assert.Equal(one.Rows.Select(r => r with { TimeMs = 0 }), two.Rows.Select(r => r with { TimeMs = 0 }));
        Assert.Equal(one.CapHits, two.CapHits);
        Assert.Equal(one.LambdaPoints, two.LambdaPoints);
        Assert.Equal(one.CellInfos.Select(c => (c.Family, c.N, c.Yes)), two.CellInfos.Select(c => (c.Family, c.N, c.Yes)));
        Assert.Equal(one.CellTimings.Select(t => (t.Family, t.N)), two.CellTimings.Select(t => (t.Family, t.N)));
        Assert.All(two.CellTimings, t => Assert.True(t.CpuSeconds > 0 && t.CpuSeconds <= t.WallSeconds + 0.05, $"{t.Family} n={t.N}: one thread's CPU {t.CpuSeconds} s against wall {t.WallSeconds} s"));
        Assert.Equal(one.CellInfos.Count, finished.Count);
        Assert.Equal(finished.Count, finished.Distinct().Count());
        Assert.Equal(lastDone, (2 + DuelTestExperiments.Small().Mixers.Count) * one.CellInfos.Count);

        // A checkpoint (written while the other cell still runs) holds finished cells only, each whole.
        Assert.Equal(one.CellInfos.Count, checkpoints.Count);
        foreach (var checkpoint in checkpoints)
        {
            var cells = checkpoint.CellInfos.Select(c => (c.Family, c.N)).ToHashSet();
            Assert.All(checkpoint.Rows, r => Assert.Contains((r.Family, r.N), cells));
            Assert.Equal(one.Rows.Count(r => cells.Contains((r.Family, r.N))), checkpoint.Rows.Count);
        }
    }

    private sealed class SynchronousProgress(Action<DuelProgress> report) : IProgress<DuelProgress>
    {
        public void Report(DuelProgress value) => report(value);
    }
}
