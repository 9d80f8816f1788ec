using System.Text.Json;

namespace Subquad.Cli.Tests;

/// <summary><c>subquad bench</c> (issue 3): rows per size and problem, oracle-checked answers, the fitted exponent.</summary>
public class BenchCommandTests
{
    [Fact]
    public void Bench_Json_HasRowsPerSizeAndProblem_AndAgreesWithOracle()
    {
        var result = CliHarness.Ok("bench", "--n", "150,300", "--dim", "100", "--problem", "msd,maxip", "--check", "--format", "json");
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("subquad.bench/1", json.RootElement.GetProperty("schema").GetString());
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.True(r.GetProperty("pairs_per_second").GetDouble() > 0));
        Assert.All(rows, r => Assert.Equal(3, r.GetProperty("repeats").GetInt32()));
        Assert.All(rows, r => Assert.True(r.GetProperty("time_ms_min").GetDouble() <= r.GetProperty("time_ms").GetDouble()));
        // The exponent is fitted over 2 sizes x 3 warm runs, with its interval around it.
        var fits = json.RootElement.GetProperty("time_exponent").EnumerateArray().ToList();
        Assert.Equal(2, fits.Count);
        Assert.All(fits, f =>
        {
            Assert.Equal(6, f.GetProperty("points").GetInt32());
            Assert.True(f.GetProperty("ci95_low").GetDouble() <= f.GetProperty("exponent").GetDouble());
            Assert.True(f.GetProperty("exponent").GetDouble() <= f.GetProperty("ci95_high").GetDouble());
        });
        Assert.Contains(rows, r => r.GetProperty("n").GetInt32() == 300 && r.GetProperty("problem").GetString() == "maxip");
    }

    [Fact]
    public void Bench_DenseTable_And_BadArguments()
    {
        var table = CliHarness.Ok("bench", "--n", "100,200", "--dim", "40", "--dense", "--problem", "lsd");
        Assert.Contains("lsd", table.Out, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, CliHarness.Run("bench", "--n", "1", "--dim", "10").Code);
        Assert.Equal(1, CliHarness.Run("bench", "--n", "100", "--dim", "10", "--problem", "nope").Code);
    }

    /// <summary>
    /// <c>--kernel</c> is the instruction set only: where the path chosen for the input needs a wider kernel, the run is
    /// refused (exit 3, one error line naming the path, the kernel and SUBQUAD_PATH / --path) before any instance is
    /// built; with <c>--path</c> it runs and agrees with the oracle. An unknown <c>--path</c> is a usage error.
    /// </summary>
    [Fact]
    public void Bench_ForcedKernel_NeverChangesThePath()
    {
        Assert.Equal(1, CliHarness.Run("bench", "--n", "100", "--dim", "10", "--path", "fastest").Code);
        CliHarness.Ok("bench", "--n", "80", "--dim", "100", "--problem", "msd", "--kernel", "scalar", "--path", "stagedtiles", "--check", "--repeat", "1");
        var automatic = new Subquad.Core.Engine.TiledEngine().PathFor(Subquad.Core.Problems.SimilarityInstance.Monochromatic(Subquad.Core.Generators.InstanceGenerator.RandomBinary(2, 100, 0.05, 1)));
        if (Subquad.Core.Engine.EnginePaths.RunsWith(automatic, Subquad.Core.Kernels.KernelVariant.Scalar))
        {
            CliHarness.Ok("bench", "--n", "80", "--dim", "100", "--problem", "msd", "--kernel", "scalar", "--check", "--repeat", "1");
            return;
        }

        var refused = CliHarness.Run("bench", "--n", "80", "--dim", "100", "--problem", "msd", "--kernel", "scalar");
        Assert.Equal(3, refused.Code);
        Assert.Contains($"error: engine path {automatic}, chosen for this input on this CPU, cannot run with kernel variant Scalar", refused.Err, StringComparison.Ordinal);
        Assert.Contains("SUBQUAD_PATH", refused.Err, StringComparison.Ordinal);
        Assert.Single(refused.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
