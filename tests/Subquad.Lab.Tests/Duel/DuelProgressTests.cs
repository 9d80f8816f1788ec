using Subquad.Lab.Duel;

namespace Subquad.Lab.Tests.Duel;

/// <summary>The plain progress line and its ETA: cost-weighted, resumed work excluded from the pace.</summary>
public sealed class DuelProgressTests
{
    [Fact]
    public void Eta_ExtrapolatesTheWeightedWork_AndIgnoresResumedCells()
    {
        // Two cells, n = 1,024 and 4,096 (weights 32,768 and 262,144); the first took 60 s: 8x its weight is left.
        double small = DuelProgress.CellWeight(1024), large = DuelProgress.CellWeight(4096);
        Assert.Equal(8, large / small, 12);
        var p = new DuelProgress("OV critical n=1024: mamba", 14, 28) { WorkDone = small, WorkTotal = small + large };
        Assert.Equal(480, p.Remaining(TimeSpan.FromSeconds(60))!.Value.TotalSeconds, 6);

        // The same, with the small cell resumed and half of the large one run in 60 s: 60 s left.
        var resumed = new DuelProgress("OV critical n=4096: window", 21, 28) { WorkDone = small + (large / 2), WorkResumed = small, WorkTotal = small + large };
        Assert.Equal(60, resumed.Remaining(TimeSpan.FromSeconds(60))!.Value.TotalSeconds, 6);

        // Nothing run yet in this process (only resumed work): no ETA rather than zero.
        Assert.Null(new DuelProgress("x", 14, 28) { WorkDone = small, WorkResumed = small, WorkTotal = small + large }.Remaining(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Line_NamesTheStage_TheCellsTime_ElapsedAndEta()
    {
        var p = new DuelProgress("OV critical n=4096: mamba", 28, 28)
        {
            WorkDone = 10,
            WorkTotal = 10,
            CellFinished = "OV critical n=4096",
            CellSeconds = 95.24,
            CellsDone = 2,
            CellsTotal = 2,
        };
        string line = p.Line(TimeSpan.FromSeconds(3725), new DateTime(2026, 12, 5, 7, 45, 1, DateTimeKind.Utc));
        Assert.Equal("07:45:01Z [28/28] OV critical n=4096: mamba; cell OV critical n=4096 finished in 95.2 s (2/2 cells); elapsed 1:02:05, ETA 0:00 (cells weighted by n^1.5)", line);
        Assert.DoesNotContain("cell", new DuelProgress("OV planted n=8: exact engine", 1, 4).Line(TimeSpan.Zero, DateTime.UtcNow).Split(';')[1], StringComparison.Ordinal);
    }
}
