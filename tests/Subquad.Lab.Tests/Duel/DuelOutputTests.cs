using System.Text.Json;
using Subquad.Core;
using Subquad.Lab.Duel;
using Subquad.Lab.Reports;

namespace Subquad.Lab.Tests.Duel;

public sealed class DuelOutputTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "subquad-duel-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Write_ProducesReportJsonCsvAndPlots()
    {
        var result = new DuelRunner(DuelTestExperiments.Small() with { Sizes = [16, 32], Trials = 2, TargetAccuracy = 0.3 }).Run();
        string dir = Path.Combine(_root, "out");
        DuelOutput.EnsureWritable(dir, force: false);
        string report = DuelOutput.Write(result, dir);
        string markdown = File.ReadAllText(report);
        Assert.Contains("## Reference rows", markdown, StringComparison.Ordinal);
        Assert.Contains("## Budget needed", markdown, StringComparison.Ordinal);
        Assert.Contains("![", markdown, StringComparison.Ordinal);
        foreach (string image in Directory.GetFiles(Path.Combine(dir, "plots"), "*.png"))
        {
            Assert.True(new FileInfo(image).Length > 1000, image);
            Assert.True(File.Exists(Path.ChangeExtension(image, ".svg")), image);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "plots"), "*.png"));
        // The one-pass heatmap (accuracy versus S and n) is written beside the tables, in both formats, and linked.
        var heatmaps = Directory.GetFiles(Path.Combine(dir, "plots"), "*-onepass-heatmap.svg");
        Assert.NotEmpty(heatmaps);
        Assert.Contains("balanced accuracy (0.5 = chance)", File.ReadAllText(heatmaps[0]), StringComparison.Ordinal);
        Assert.Contains("onepass-heatmap.png", markdown, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
        Assert.Equal("subquad.duel/1", json.RootElement.GetProperty("schema").GetString());
        Reports.SnakeCaseKeys.Assert(json.RootElement);
        var cell = json.RootElement.GetProperty("cells")[0];
        foreach (string key in new[] { "successes", "trials", "rate", "ci95_low", "ci95_high" }) Assert.True(cell.GetProperty("recall").TryGetProperty(key, out _), key);
        Assert.Equal(result.Rows.Count, json.RootElement.GetProperty("rows").GetArrayLength());
        // Where each cell spent its time: one timing per cell, with a positive CPU total and the draw stage first.
        var timings = json.RootElement.GetProperty("cell_timings");
        Assert.Equal(result.CellInfos.Count, timings.GetArrayLength());
        Assert.True(timings[0].GetProperty("cpu_seconds").GetDouble() > 0);
        Assert.Equal("draw", timings[0].GetProperty("stages")[0].GetProperty("stage").GetString());
        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.Equal(result.Rows.Count + 1, csv.Length);
        Assert.StartsWith("family,n,dimensions,trial,seed,kind,mixer,budget,truth,answer,correct", csv[0], StringComparison.Ordinal);
        // The CSV columns are the JSON row keys.
        var rowKeys = json.RootElement.GetProperty("rows")[0].EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(csv[0].Split(','), rowKeys);
        var checkpoint = DuelOutput.ReadCheckpoint(dir, result.Experiment);
        Assert.Equal(result.Rows.Count, checkpoint.Rows.Count);
        Assert.Equal(result.CellInfos.Count, checkpoint.Cells.Count);
        // The records that are not rows come back too (a resumed report lost them before).
        Assert.Equal(result.CapHits, checkpoint.CapHits);
        Assert.Equal(result.LambdaPoints.Count, checkpoint.LambdaPoints.Count);
        Assert.Equal(result.CellTimings.Select(t => (t.Family, t.N, t.CpuSeconds, t.Stages.Count)), checkpoint.CellTimings.Select(t => (t.Family, t.N, t.CpuSeconds, t.Stages.Count)));

        // A previous duel's folder may be written again; a foreign non-empty folder may not, unless forced.
        DuelOutput.EnsureWritable(dir, force: false);
        string foreign = Path.Combine(_root, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        var error = Assert.Throws<InputException>(() => DuelOutput.EnsureWritable(foreign, force: false));
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        DuelOutput.EnsureWritable(foreign, force: true);
        DuelOutput.EnsureWritable(Path.Combine(_root, "empty-or-missing"), force: false);
    }

    [Fact]
    public void Csv_QuotesFieldsWithCommas()
    {
        var row = new DuelRow { Family = "planted(p=0.3,margin=2)", N = 8, Dimensions = 8, Trial = 0, Seed = 1, Kind = "lsh", Mixer = "lsh(rounds=1,buckets=2)", Truth = true, Answer = false, Correct = false, Note = "say \"hi\"" };
        var line = DuelOutput.Csv([row]).Split('\n')[1];
        Assert.StartsWith("\"planted(p=0.3,margin=2)\",8,8,0,1,lsh,\"lsh(rounds=1,buckets=2)\",,true,false,false,", line, StringComparison.Ordinal);
        Assert.Contains("\"say \"\"hi\"\"\"", line, StringComparison.Ordinal);
    }
}
