using System.Text.Json;
using Subquad.Core.Engine;
using Subquad.Core.Generators;
using Subquad.Core.IO;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;

namespace Subquad.Cli.Tests;

/// <summary>
/// The dispatch variables in a real child process (each is read once per process): <c>SUBQUAD_ATTENTION_PATH</c> is
/// listed by <c>info</c> and validated; <c>SUBQUAD_KERNEL</c> alone never changes the engine's path.
/// </summary>
public sealed class DispatchVariablesTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (int Code, string Out, string Err) Run(Dictionary<string, string> environment, params string[] args)
    {
        var (code, stdout, stderr, _) = HostileInputTests.Child(args, environment: environment);
        return (code, stdout, stderr);
    }

    [Fact]
    public void AttentionPathVariable_IsListedByInfo_AndAnUnknownValueIsOneError()
    {
        var (code, stdout, stderr) = Run(new() { ["SUBQUAD_ATTENTION_PATH"] = "streaming" }, "info", "--format", "json");
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("streaming", json.GetProperty("attention_path").GetString());
        Assert.Equal("streaming", json.GetProperty("attention_path_forced").GetString());
        Assert.Contains(json.GetProperty("attention_paths").EnumerateArray(), p => p.GetProperty("path").GetString() == "streaming" && p.GetProperty("kernel").GetString() == "scalar");
        Assert.Contains(json.GetProperty("engine_paths").EnumerateArray(), p => p.GetString() == "tiles");

        var table = Run(new() { ["SUBQUAD_ATTENTION_PATH"] = "Tiled" }, "info");
        Assert.True(table.Code == 0, table.Err);
        Assert.Contains("forced by SUBQUAD_ATTENTION_PATH=Tiled", table.Out, StringComparison.Ordinal);

        var unknown = Run(new() { ["SUBQUAD_ATTENTION_PATH"] = "Fastest" }, "info");
        Assert.Equal(3, unknown.Code);
        Assert.Equal("error: SUBQUAD_ATTENTION_PATH=Fastest names no attention path (one of: Streaming, Tiled)", unknown.Err.Trim());
    }

    [Fact]
    public void KernelVariable_Alone_NeverChangesTheEnginePath()
    {
        // Sparse 600-bit rows: the bit-sliced path on a VBMI machine, which no narrower variant runs.
        string file = _temp.File("sparse.npy");
        var vectors = InstanceGenerator.RandomBinary(80, 600, 0.03, 5);
        NpyWriter.Write(file, vectors);
        var automatic = new TiledEngine().PathFor(SimilarityInstance.Monochromatic(vectors));
        if (EnginePaths.RunsWith(automatic, KernelVariant.Scalar)) Assert.Skip($"the automatic path here ({automatic}) runs with every variant");

        string[] solve = ["solve", file, "--problem", "maxip", "--format", "json"];
        var baseline = Run(new(), solve);
        Assert.True(baseline.Code == 0, baseline.Err);
        var refused = Run(new() { ["SUBQUAD_KERNEL"] = "Scalar" }, solve);
        Assert.Equal(3, refused.Code);
        Assert.StartsWith($"error: engine path {automatic}, chosen for this input on this CPU, cannot run with kernel variant Scalar", refused.Err.Trim(), StringComparison.Ordinal);
        Assert.Contains("SUBQUAD_PATH=<path>; paths that run this input with Scalar: Tiles, StagedTiles", refused.Err, StringComparison.Ordinal);
        Assert.Single(refused.Err.Trim().Split('\n'));

        // Both forced: the instruction set on one algorithm, and the same answer.
        var both = Run(new() { ["SUBQUAD_KERNEL"] = "Scalar", ["SUBQUAD_PATH"] = "Tiles" }, solve);
        Assert.True(both.Code == 0, both.Err);
        Assert.Equal(JsonDocument.Parse(baseline.Out).RootElement.GetProperty("pairs")[0].ToString(), JsonDocument.Parse(both.Out).RootElement.GetProperty("pairs")[0].ToString());
    }
}
