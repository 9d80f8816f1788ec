using Subquad.Hardness.Cnf;

namespace Subquad.Cli.Tests;

/// <summary>The end-to-end verbs of issue 6: demo, duel, and sat through the transformer.</summary>
public class StoryTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Demo_SmallSettings_TellsAllThreeActsAndWritesTheReport()
    {
        string report = _temp.File("demo");
        var result = CliHarness.Ok("demo", "--n", "60", "--dim", "24", "--vars", "8", "-o", report);
        Assert.Contains("1. The exact engine", result.Out, StringComparison.Ordinal);
        Assert.Contains("one formula, six routes", result.Out, StringComparison.Ordinal);
        Assert.Contains("3. The duel", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("WRONG", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(report, "report.md")));
        Assert.True(File.Exists(Path.Combine(report, "results.json")));

        // A second run may replace its own earlier report, but never a folder of someone else's files.
        CliHarness.Ok("demo", "--n", "60", "--dim", "24", "--vars", "8", "-o", report);
        string foreign = _temp.File("foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        var refused = CliHarness.Run("demo", "--n", "60", "--dim", "24", "--vars", "8", "-o", foreign);
        Assert.NotEqual(0, refused.Code);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(foreign, "notes.txt")));
    }

    [Fact]
    public void Duel_WiredByDefault_HasTransformerAndSatRows()
    {
        string output = _temp.File("duel");
        var result = CliHarness.Ok("duel", "-o", output, "--families", "sat,critical", "--sizes", "16,32", "--trials", "2", "--target", "0.3", "--mixers", "window,onepass", "--format", "csv", "--save-instances", Path.Combine(output, "instances"));
        Assert.Contains(",transformer,", result.Out, StringComparison.Ordinal);
        Assert.Contains("sat,", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "report.md")));

        // stderr is not a terminal here: plain progress lines, one per finished stage, each (problem, family, n) cell's
        // end with its time, elapsed and an ETA (8 cells: 2 problems x 2 families x 2 sizes).
        var progress = result.Err.Split('\n').Where(l => l.Contains(" ETA ", StringComparison.Ordinal)).ToList();
        Assert.Equal(8 * 4, progress.Count); // exact engine, transformer, window, onepass per cell
        Assert.Equal(8, progress.Count(l => l.Contains(" finished in ", StringComparison.Ordinal)));
        Assert.Contains(progress, l => l.Contains("[32/32]", StringComparison.Ordinal) && l.Contains("(8/8 cells)", StringComparison.Ordinal) && l.Contains("ETA 0:00", StringComparison.Ordinal));

        // Every instance saved for others to rerun: a manifest with family, n, l, seed and truth, and .npy files.
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "instances", "manifest.json")));
        var first = manifest.RootElement.GetProperty("instances")[0];
        foreach (string key in new[] { "family", "n", "l", "seed", "truth", "files" }) Assert.True(first.TryGetProperty(key, out _), key);
        var npy = File.ReadAllBytes(Path.Combine(output, "instances", first.GetProperty("files")[0].GetString()!));
        Assert.Equal(0x93, npy[0]);
        int headerLength = npy[8] | (npy[9] << 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal(first.GetProperty("n").GetInt32() * first.GetProperty("l").GetInt32(), npy.Length - 10 - headerLength);

        // Too few trials for the default target: refused up front with what to change.
        var refused = CliHarness.Run("duel", "-o", _temp.File("refused"), "--sizes", "16", "--trials", "16");
        Assert.Equal(2, refused.Code);
        Assert.Contains("381 trials", refused.Err, StringComparison.Ordinal);

        // A second run into the same folder resumes: every cell is already finished (the default runs OV and LSD_0, so
        // 2 problems x 2 families x 2 sizes = 8 cells).
        var again = CliHarness.Run("duel", "-o", output, "--families", "sat,critical", "--sizes", "16,32", "--trials", "2", "--target", "0.3", "--mixers", "window,onepass");
        Assert.Equal(0, again.Code);
        Assert.Contains("resuming: 8 finished", again.Err, StringComparison.Ordinal);
        Assert.Equal(8, again.Err.Split('\n').Count(l => l.Contains(" resumed (", StringComparison.Ordinal) && l.Contains("ETA unknown", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("own")]
    [InlineData("onnx")]
    public void Sat_ViaTransformer_ExitCodeMatchesEnumeration(string runtime)
    {
        for (int seed = 1; seed <= 4; seed++)
        {
            string cnf = _temp.File($"f{seed}.cnf");
            CliHarness.Ok("generate", "ksat", "--vars", "10", "--clauses", "44", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", cnf);
            bool satisfiable = DimacsReader.ReadFile(cnf).Formula.SolveByEnumeration() is not null;
            var result = CliHarness.Run("sat", cnf, "--via", "transformer", "--runtime", runtime);
            Assert.True(result.Code == (satisfiable ? 10 : 20), $"seed {seed}: exit {result.Code}, enumeration says {satisfiable}\n{result.Err}");
            Assert.Contains(satisfiable ? "s SATISFIABLE" : "s UNSATISFIABLE", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Transformer_ReadsNpy_AndAgreesWithOracle()
    {
        string file = _temp.File("docs.npy");
        CliHarness.Ok("generate", "planted", "--n", "40", "--dim", "16", "--density", "0.3", "--seed", "5", "-o", file);
        var result = CliHarness.Ok("transformer", file, "--problem", "lsd", "--threshold", "0", "--check", "--format", "csv");
        Assert.Equal("true", TransformerCommandTests.CsvField(result.Out, "answer"));
        var bad = CliHarness.Run("transformer", file, "--problem", "lsd", "--threshold", "1.5");
        Assert.Equal(1, bad.Code);
    }

    [Fact]
    public void PrecisionSweep_Plot_WritesPngAndSvg()
    {
        string stem = _temp.File("precision");
        var result = CliHarness.Ok("transformer", "--precision-sweep", "--sweep-n", "8", "--sweep-l", "4,8", "--trials", "1", "--plot", stem, "--format", "csv");
        Assert.StartsWith("problem,format,significand_bits,n,l", result.Out, StringComparison.Ordinal);
        Assert.True(new FileInfo(stem + ".png").Length > 1000);
        Assert.Contains("<svg", File.ReadAllText(stem + ".svg"), StringComparison.Ordinal);
    }
}
