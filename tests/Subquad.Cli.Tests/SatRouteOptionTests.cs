namespace Subquad.Cli.Tests;

/// <summary>SAT routes as data (Lab's SatRoutes): an option the chosen route does not read is one error line, exit 1.</summary>
public sealed class SatRouteOptionTests : IDisposable
{
    private readonly string _cnf = Path.Combine(Directory.CreateTempSubdirectory("subquad-routes-").FullName, "f.cnf");

    public SatRouteOptionTests() => File.WriteAllText(_cnf, "p cnf 3 2\n1 2 0\n-1 3 0\n");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_cnf)!, recursive: true);

    [Theory]
    [InlineData("transformer", "--solver", "oracle", "--solver does not apply to --via transformer, which reads only --runtime")]
    [InlineData("transformer-mono", "--gamma", "2", "--gamma does not apply to --via transformer-mono, which reads only --runtime")]
    [InlineData("ov", "--runtime", "onnx", "--runtime does not apply to --via ov, which reads only --solver")]
    [InlineData("bmsd", "--gamma", "1", "--gamma does not apply to --via bmsd, which reads only --solver")]
    public void OptionTheRouteDoesNotRead_IsOneErrorLine(string via, string option, string value, string message)
    {
        var result = CliHarness.Run("sat", _cnf, "--via", via, option, value);
        Assert.Equal(1, result.Code);
        Assert.Equal("error: " + message, result.Err.Trim());
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("lsd", "--gamma", "2")]
    [InlineData("lsd", "--solver", "oracle")]
    [InlineData("transformer", "--runtime", "own")]
    public void OptionTheRouteReads_Runs(string via, string option, string value)
    {
        var result = CliHarness.Run("sat", _cnf, "--via", via, option, value);
        Assert.True(result.Code == 10, result.Err);
        Assert.Contains("s SATISFIABLE", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformerSearch_RefusesAThresholdItWouldNotRead()
    {
        string bits = Path.Combine(Path.GetDirectoryName(_cnf)!, "v.bits");
        File.WriteAllLines(bits, ["1100", "1010", "0011"]);
        var result = CliHarness.Run("transformer", bits, "--problem", "msd", "--search", "--threshold", "0.9");
        Assert.Equal(1, result.Code);
        Assert.StartsWith("error: --threshold: --search finds the optimal pair by itself", result.Err, StringComparison.Ordinal);
    }
}
