extern alias f64;
using System.Text.Json;
using F64Init = f64::Subquad.Learn.Training.Init;
using F64MixerKinds = f64::Subquad.Learn.Mixers.MixerKinds;
using F64MixerSpec = f64::Subquad.Learn.Mixers.MixerSpec;
using F64Tape = f64::Subquad.Learn.Autodiff.Tape;
using F64Tensor = f64::Subquad.Learn.Autodiff.Tensor;

namespace Subquad.Learn.Tests.Mixers;

/// <summary>
/// The float64 mode (Subquad.Learn.Float64: the same tape, ops and mixers compiled with Real = double) against
/// PyTorch in float64: every mixer's output, input gradient and every parameter gradient within 1e-9 relative error
/// (max |ours - torch| / max |torch| per tensor). Both sides compute in double; the differences left are summation
/// order and libm's exp/tanh/log, about 1e-15 relative per operation, so 1e-9 leaves room for the amplification
/// through a few dozen ops of these tiny mixers and still fails on any float32 rounding (about 6e-8 per op) or wrong
/// formula. Skipped, with the reason, where PyTorch is absent.
/// </summary>
public sealed class TorchFloat64FixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-9;
    private static readonly Lazy<string> FixtureDir = new(Generate);

    [Theory]
    [InlineData("attention")]
    [InlineData("window")]
    [InlineData("based")]
    [InlineData("mamba")]
    [InlineData("deltanet")]
    [InlineData("attention-qknorm")]
    public void Mixer_matches_pytorch_float64_forward_and_backward(string mixer)
    {
        if (TorchPython.Path is null)
        {
            output.WriteLine("skipped: " + TorchPython.Reason);
            Assert.Skip(TorchPython.Reason);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir.Value, mixer + ".json")));
        var root = doc.RootElement;
        Assert.Equal("float64", root.GetProperty("dtype").GetString());
        var cfg = root.GetProperty("config");
        int batch = root.GetProperty("batch").GetInt32(), length = root.GetProperty("length").GetInt32();
        Assert.True(F64MixerKinds.TryParse(mixer.Split('-')[0], out var kind));
        var spec = new F64MixerSpec(kind, cfg.GetProperty("width").GetInt32(), cfg.GetProperty("heads").GetInt32(),
            Window: cfg.TryGetProperty("window", out var w) ? w.GetInt32() : 16,
            FeatureDim: cfg.TryGetProperty("feature_dim", out var f) ? f.GetInt32() : 8,
            StateDim: cfg.TryGetProperty("state_dim", out var n) ? n.GetInt32() : 16,
            QkNorm: cfg.TryGetProperty("qk_norm", out var qk) && qk.GetBoolean());
        var m = spec.Create(new F64Init(0));
        var fixtureParams = root.GetProperty("params");
        Assert.Equal(fixtureParams.EnumerateObject().Select(p => p.Name).Order(), m.Parameters.Select(p => p.Name).Order());
        foreach (var p in m.Parameters)
        {
            var (rows, cols, data) = Read(fixtureParams.GetProperty(p.Name));
            Assert.Equal((rows, cols), (p.Value.Rows, p.Value.Cols));
            data.CopyTo(p.Value.Data, 0);
        }

        var (xr, xc, xd) = Read(root.GetProperty("x"));
        var x = new F64Tensor(xr, xc, xd, requiresGrad: true); // compiles only because the f64 tensor holds double[]
        var tape = new F64Tape();
        var y = m.Forward(tape, x, batch, length);
        Compare($"{mixer} forward", y.Data, Read(root.GetProperty("y")).Data);
        tape.Backward(y, Read(root.GetProperty("seed_grad")).Data);
        var grads = root.GetProperty("grads");
        Compare($"{mixer} d/dx", x.Grad!, Read(grads.GetProperty("x")).Data);
        foreach (var p in m.Parameters) Compare($"{mixer} d/d{p.Name}", p.Value.Grad ?? new double[p.Value.Length], Read(grads.GetProperty(p.Name)).Data);
        output.WriteLine($"{mixer} (float64): {TorchPython.Reason}, {m.Parameters.Count} parameters and the input agree within {Tolerance:E0}");
    }

    private void Compare(string what, double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        double rel = scale == 0 ? max : max / scale;
        output.WriteLine($"{what}: relative error {rel:E2}");
        Assert.True(rel <= Tolerance, $"{what}: relative error {rel:E2} > {Tolerance:E0}");
        Assert.True(scale > 0 || what.Contains("d/d", StringComparison.Ordinal), $"{what}: an all-zero reference tests nothing");
    }

    private static (int Rows, int Cols, double[] Data) Read(JsonElement e) =>
        (e.GetProperty("rows").GetInt32(), e.GetProperty("cols").GetInt32(), e.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray());

    private static string Generate()
    {
        string dir = Path.Combine(Path.GetTempPath(), "subquad-learn-fixtures-f64-" + Environment.ProcessId);
        string script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "mixer_fixtures.py");
        var (code, text) = TorchPython.Run(TorchPython.Path!, [script, dir, "float64"], TimeSpan.FromMinutes(5));
        if (code != 0) throw new InvalidOperationException($"{script} failed ({code}): {text}");
        return dir;
    }
}
