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
        var result = CliHarness.Ok("duel", "-o", output, "--families", "sat,critical", "--sizes", "16,32", "--trials", "2", "--mixers", "window,onepass", "--format", "csv");
        Assert.Contains(",transformer,", result.Out, StringComparison.Ordinal);
        Assert.Contains("sat,", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
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
