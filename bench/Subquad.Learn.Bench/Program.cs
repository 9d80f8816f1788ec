// Training throughput of Subquad.Learn against PyTorch, side by side in one run (issue 18): the same model (two
// layers, width 64, n = 256, batch 32; attention or Mamba-1 as the mixer), forward + backward + clipping + AdamW,
// on the same number of threads (default 2). The PyTorch side (learn_throughput.py --serve) stays alive and the two
// sides alternate in rounds (ours, then PyTorch's, per mixer), so both see the same load on a shared machine; the
// ratio is reported per round and as the median. Also prints the attention model's matrix-product GFLOP/s against
// the FMA peak measured in the same process (a 16-accumulator FMA loop, Subquad.Core's FmaPeak), the load average
// before and after, and (--profile) where one step's time goes, per op file.
// Usage: dotnet run --project bench/Subquad.Learn.Bench -c Release -- [--rounds 3] [--steps 3] [--mamba-steps 1]
//        [--threads 2] [--python /usr/bin/python3] [--profile] [--mixers attention,mamba]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Subquad.Core.Kernels;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int rounds = Arg("--rounds", 3), steps = Arg("--steps", 3), mambaSteps = Arg("--mamba-steps", 1), threads = Arg("--threads", 2);
bool profile = args.Contains("--profile");
string[] mixers = (args.SkipWhile(a => a != "--mixers").Skip(1).FirstOrDefault() ?? "attention,mamba").Split(',');
string python = args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault() ?? "/usr/bin/python3";
const int Width = 64, Length = 256, Batch = 32, Layers = 2, InputDim = 65;
LearnThreads.Max = threads;
string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
Console.WriteLine($"CPU: {cpu}; {Environment.ProcessorCount} cores; {threads} threads; GEMM kernel {Gemm.Best}; width {Width}, n {Length}, batch {Batch}, {Layers} layers");
Console.WriteLine($"load average before: {loadBefore}");

double peak = FmaPeak.MeasureGflops(threads, TimeSpan.FromSeconds(1));
Console.WriteLine($"FMA peak ({threads} threads, 16 independent FMA chains): {peak:F1} GFLOP/s");

// Useful matrix-product flops per attention step: 6·m·k·n per linear layer (forward, dx, dW) and per layer the causal
// halves of QKᵀ and PV forward (2 products) and backward (4 products) at 2·L²/2·d each.
long tokens = (long)Batch * Length;
long linearFlops = 6 * tokens * (InputDim * Width + Layers * (Width * 3 * Width + Width * Width + 2 * Width * 2 * Width) + Width * 2);
long attentionFlops = Layers * 6L * Batch * Length * Length * Width;

var ours = new Dictionary<string, Action>();
foreach (var kind in mixers.Select(m => MixerKinds.TryParse(m, out var k) ? k : throw new ArgumentException($"unknown mixer {m}")))
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

    Step(); // warm-up (JIT, first allocations)
    ours[kind.Name()] = Step;
    if (profile)
    {
        Tape.Profile = [];
        var clock = Stopwatch.StartNew();
        Step();
        double total = clock.Elapsed.TotalSeconds;
        var table = Tape.Profile;
        Tape.Profile = null;
        Console.WriteLine($"profile, one {kind.Name()} step: {total:F3} s");
        foreach (var (op, (f, b)) in table.OrderByDescending(kv => kv.Value.Forward + kv.Value.Backward))
        {
            Console.WriteLine($"  {op,-18} forward {f:F3} s  backward {b:F3} s  ({(f + b) / total:P0})");
        }

        Console.WriteLine($"  {"(not on the tape)",-18} {total - table.Values.Sum(v => v.Forward + v.Backward):F3} s: clipping, AdamW, loss glue");
    }
}

Process? torch = null;
try
{
    var info = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "learn_throughput.py"), "--serve", "--threads", threads.ToString(CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
    torch = Process.Start(info)!;
    string? ready = torch.StandardOutput.ReadLine();
    if (ready != "ready")
    {
        Console.WriteLine($"pytorch side failed: {ready} {torch.StandardError.ReadToEnd().Trim()}");
        torch = null;
    }
}
catch (System.ComponentModel.Win32Exception e)
{
    Console.WriteLine($"pytorch side not run: {python}: {e.Message}");
}

var rows = new List<Dictionary<string, object?>>();
for (int r = 1; r <= rounds; r++)
{
    foreach (var mixer in mixers)
    {
        int n = mixer == "mamba" ? mambaSteps : steps;
        if (r == 1 && torch is not null)
        {
            // PyTorch builds and warms this mixer up on its first request: do it before the timed pairs.
            torch.StandardInput.WriteLine($"{mixer} 0");
            torch.StandardInput.Flush();
            torch.StandardOutput.ReadLine();
        }

        var clock = Stopwatch.StartNew();
        for (int s = 0; s < n; s++) ours[mixer]();
        double oursTps = n * tokens / clock.Elapsed.TotalSeconds;
        double? torchTps = null;
        if (torch is not null)
        {
            torch.StandardInput.WriteLine($"{mixer} {n}");
            torch.StandardInput.Flush();
            using var reply = JsonDocument.Parse(torch.StandardOutput.ReadLine()!);
            torchTps = n * tokens / reply.RootElement.GetProperty("seconds").GetDouble();
        }

        var row = new Dictionary<string, object?> { ["round"] = r, ["mixer"] = mixer, ["steps"] = n, ["subquad_tokens_per_second"] = oursTps, ["pytorch_tokens_per_second"] = torchTps, ["ratio"] = oursTps / torchTps };
        string extra = "";
        if (mixer == "attention")
        {
            double gflops = (linearFlops + attentionFlops) * oursTps / tokens / 1e9;
            row["matrix_gflops_per_second"] = gflops;
            row["fraction_of_fma_peak"] = gflops / peak;
            extra = $", matrix products {gflops:F1} GFLOP/s = {gflops / peak:P1} of the FMA peak";
        }

        rows.Add(row);
        Console.WriteLine($"round {r} {mixer}: subquad {oursTps:F0} tokens/s, pytorch {(torchTps is { } t ? t.ToString("F0") : "n/a")} tokens/s, ratio {(torchTps is { } t2 ? (oursTps / t2).ToString("F2") + "x" : "n/a")}{extra}");
    }
}

torch?.StandardInput.Close();
torch?.WaitForExit(10_000);
string loadAfter = File.ReadAllText("/proc/loadavg").Trim();
Console.WriteLine($"load average after: {loadAfter}");
var json = new Dictionary<string, object?>
{
    ["schema"] = "subquad.bench-learn/2", ["cpu"] = cpu, ["threads"] = threads, ["gemm_kernel"] = Gemm.Best.ToString(), ["fma_peak_gflops_per_second"] = peak,
    ["load_average_before"] = loadBefore, ["load_average_after"] = loadAfter, ["rounds"] = rows,
};
foreach (var mixer in mixers)
{
    var mine = rows.Where(r => (string)r["mixer"]! == mixer).ToList();
    json[$"{mixer}_median_subquad_tokens_per_second"] = Median(mine.Select(r => (double)r["subquad_tokens_per_second"]!));
    if (torch is not null)
    {
        double ratio = Median(mine.Select(r => (double)r["ratio"]!));
        json[$"{mixer}_median_pytorch_tokens_per_second"] = Median(mine.Select(r => (double)r["pytorch_tokens_per_second"]!));
        json[$"{mixer}_median_ratio"] = ratio;
        Console.WriteLine($"{mixer}: median subquad / pytorch = {ratio:F2}x over {mine.Count} rounds (min {mine.Min(r => (double)r["ratio"]!):F2}x, max {mine.Max(r => (double)r["ratio"]!):F2}x)");
    }

    if (mixer == "attention")
    {
        double frac = Median(mine.Select(r => (double)r["fraction_of_fma_peak"]!));
        json["attention_median_fraction_of_fma_peak"] = frac;
        Console.WriteLine($"attention: median matrix products at {frac:P1} of the measured FMA peak");
    }
}

Console.WriteLine(JsonSerializer.Serialize(json));

static double Median(IEnumerable<double> values)
{
    var v = values.Order().ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
