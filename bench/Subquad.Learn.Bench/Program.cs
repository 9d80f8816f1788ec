// Training throughput of Subquad.Learn against PyTorch, side by side in one run (issue 18): the same model (two
// layers, width 64, n = 256, batch 32; attention or Mamba-1 as the mixer), forward + backward + clipping + AdamW,
// on the same number of threads (default 2). Prints tokens/s for both, the ratio, the attention model's matrix-product
// GFLOP/s and its fraction of the FMA peak measured in the same process.
// Usage: dotnet run --project bench/Subquad.Learn.Bench -c Release -- [--steps 5] [--threads 2] [--python /usr/bin/python3]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Subquad.Core.Kernels;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

int steps = Arg("--steps", 5), threads = Arg("--threads", 2);
string python = args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault() ?? "/usr/bin/python3";
const int Width = 64, Length = 256, Batch = 32, Layers = 2, InputDim = 65;
LearnThreads.Max = threads;
string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
Console.WriteLine($"CPU: {cpu}; {threads} threads; width {Width}, n {Length}, batch {Batch}, {Layers} layers, {steps} timed steps after 1 warm-up");

double peak = FmaPeak.MeasureGflops(threads, TimeSpan.FromSeconds(1));
var results = new Dictionary<string, double>();
foreach (var kind in new[] { MixerKind.Attention, MixerKind.Mamba })
{
    var model = new SequenceModel(new ModelConfig(InputDim, 2, Layers, new MixerSpec(kind, Width), Length, ModelConfig.PositionsFor(kind)), 1);
    var rng = new Random(1);
    var inputs = new float[Batch * Length * InputDim];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.Next(2) == 0 ? -1f : 1f;
    var targets = new int[Batch * Length];
    for (int i = 0; i < targets.Length; i++) targets[i] = rng.Next(2);
    var optimiser = new AdamW(model.Parameters);
    void Step()
    {
        var tape = new Tape();
        var loss = CrossEntropy.Apply(tape, model.Forward(tape, inputs, Batch, Length), targets);
        tape.Backward(loss);
        AdamW.ClipGradients(model.Parameters, 1.0);
        optimiser.Step(1e-3);
    }

    Step();
    var clock = Stopwatch.StartNew();
    for (int s = 0; s < steps; s++) Step();
    double seconds = clock.Elapsed.TotalSeconds;
    double tokensPerSecond = (double)steps * Batch * Length / seconds;
    results[kind.Name()] = tokensPerSecond;
    string extra = "";
    if (kind == MixerKind.Attention)
    {
        // Useful matrix-product flops per step: 6·m·k·n per linear layer (forward, dx, dW) and, per head, the causal
        // halves of QKᵀ and PV forward (2 products) and backward (4 products) at 2·L²/2·d each.
        long m = (long)Batch * Length;
        long linear = 6 * m * (InputDim * Width + Layers * (Width * 3 * Width + Width * Width + 2 * Width * 2 * Width) + Width * 2);
        long attention = Layers * 6L * Batch * Length * Length * Width;
        double gflops = (linear + attention) * steps / seconds / 1e9;
        extra = string.Create(CultureInfo.InvariantCulture, $", matrix products {gflops:F1} GFLOP/s = {gflops / peak:P1} of the measured FMA peak {peak:F0} GFLOP/s");
        results["attention_gflops"] = gflops;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"subquad {kind.Name()}: {tokensPerSecond:F0} tokens/s ({seconds / steps:F2} s/step){extra}"));
}

string script = Path.Combine(AppContext.BaseDirectory, "learn_throughput.py");
var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var a in new[] { script, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
Dictionary<string, double>? torch = null;
try
{
    using var p = Process.Start(info)!;
    string stdout = p.StandardOutput.ReadToEnd();
    string stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode == 0) torch = JsonSerializer.Deserialize<Dictionary<string, double>>(stdout.Trim().Split('\n')[^1]);
    else Console.WriteLine($"pytorch side failed ({p.ExitCode}): {stderr.Trim()}");
}
catch (System.ComponentModel.Win32Exception e)
{
    Console.WriteLine($"pytorch side not run: {python}: {e.Message}");
}

var json = new Dictionary<string, object?> { ["schema"] = "subquad.bench-learn/1", ["cpu"] = cpu, ["threads"] = threads, ["steps"] = steps, ["fma_peak_gflops"] = peak };
foreach (var (k, v) in results) json[$"subquad_{k}" + (k.EndsWith("gflops", StringComparison.Ordinal) ? "" : "_tokens_per_second")] = v;
if (torch is not null)
{
    foreach (var mixer in new[] { "attention", "mamba" })
    {
        double t = torch[mixer];
        json[$"pytorch_{mixer}_tokens_per_second"] = t;
        json[$"{mixer}_ratio"] = results[mixer] / t;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pytorch {mixer}: {t:F0} tokens/s; subquad / pytorch = {results[mixer] / t:F2}x"));
    }
}

Console.WriteLine(JsonSerializer.Serialize(json));

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
