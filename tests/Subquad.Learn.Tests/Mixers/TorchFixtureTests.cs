using System.Text.Json;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Training;

namespace Subquad.Learn.Tests.Mixers;

/// <summary>
/// Every mixer's forward and backward against PyTorch on the same weights and inputs: Fixtures/mixer_fixtures.py
/// writes them at test time (it implements each mixer independently, in the naive forms of ALTERNATIVES.md), and
/// the output, the input gradient and every parameter gradient must agree to float32 relative error 1e-4
/// (max |ours - torch| / max |torch| per tensor). Skipped, with the reason, where PyTorch is absent.
/// </summary>
public sealed class TorchFixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;
    private static readonly Lazy<string> FixtureDir = new(Generate);

    [Theory]
    [InlineData("attention")]
    [InlineData("window")]
    [InlineData("based")]
    [InlineData("mamba")]
    [InlineData("deltanet")]
    [InlineData("attention-qknorm")]
    public void Mixer_matches_pytorch_forward_and_backward(string mixer)
    {
        if (TorchPython.Path is null)
        {
            output.WriteLine("skipped: " + TorchPython.Reason);
            Assert.Skip(TorchPython.Reason);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(FixtureDir.Value, mixer + ".json")));
        var root = doc.RootElement;
        var cfg = root.GetProperty("config");
        int batch = root.GetProperty("batch").GetInt32(), length = root.GetProperty("length").GetInt32();
        Assert.True(MixerKinds.TryParse(mixer.Split('-')[0], out var kind));
        var spec = new MixerSpec(kind, cfg.GetProperty("width").GetInt32(), cfg.GetProperty("heads").GetInt32(),
            Window: cfg.TryGetProperty("window", out var w) ? w.GetInt32() : 16,
            FeatureDim: cfg.TryGetProperty("feature_dim", out var f) ? f.GetInt32() : 8,
            StateDim: cfg.TryGetProperty("state_dim", out var n) ? n.GetInt32() : 16,
            QkNorm: cfg.TryGetProperty("qk_norm", out var qk) && qk.GetBoolean());
        var m = spec.Create(new Init(0));
        var fixtureParams = root.GetProperty("params");
        Assert.Equal(fixtureParams.EnumerateObject().Select(p => p.Name).Order(), m.Parameters.Select(p => p.Name).Order());
        foreach (var p in m.Parameters)
        {
            var (rows, cols, data) = Read(fixtureParams.GetProperty(p.Name));
            Assert.Equal((rows, cols), (p.Value.Rows, p.Value.Cols));
            data.CopyTo(p.Value.Data, 0);
        }

        var (xr, xc, xd) = Read(root.GetProperty("x"));
        var x = new Tensor(xr, xc, xd, requiresGrad: true);
        var tape = new Tape();
        var y = m.Forward(tape, x, batch, length);
        var expectedY = Read(root.GetProperty("y")).Data;
        Compare($"{mixer} forward", y.Data, expectedY);
        tape.Backward(y, Read(root.GetProperty("seed_grad")).Data);
        var grads = root.GetProperty("grads");
        Compare($"{mixer} d/dx", x.Grad!, Read(grads.GetProperty("x")).Data);
        foreach (var p in m.Parameters) Compare($"{mixer} d/d{p.Name}", p.Value.Grad ?? new float[p.Value.Length], Read(grads.GetProperty(p.Name)).Data);
        output.WriteLine($"{mixer}: {TorchPython.Reason}, {m.Parameters.Count} parameters and the input agree within {Tolerance:E0}");
    }

    private void Compare(string what, float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }

        double rel = scale == 0 ? max : max / scale;
        output.WriteLine($"{what}: relative error {rel:E2}");
        Assert.True(rel <= Tolerance, $"{what}: relative error {rel:E2} > {Tolerance:E0}");
        Assert.True(scale > 0 || what.Contains("d/d", StringComparison.Ordinal), $"{what}: an all-zero reference tests nothing");
    }

    private static (int Rows, int Cols, float[] Data) Read(JsonElement e) =>
        (e.GetProperty("rows").GetInt32(), e.GetProperty("cols").GetInt32(), e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray());

    private static string Generate()
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "subquad-learn-fixtures-" + Environment.ProcessId);
        string script = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "mixer_fixtures.py");
        var (code, text) = TorchPython.Run(TorchPython.Path!, [script, dir], TimeSpan.FromMinutes(3));
        if (code != 0) throw new InvalidOperationException($"{script} failed ({code}): {text}");
        return dir;
    }
}
