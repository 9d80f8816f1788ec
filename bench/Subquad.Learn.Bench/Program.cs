// Training throughput of Subquad.Learn against PyTorch, side by side in one run (issue 18): the same model (two
// layers, width 64, n = 256, batch 32; attention or Mamba-1 as the mixer), forward + backward + clipping + AdamW,
// on the same number of threads (default 2). The PyTorch side (learn_throughput.py --serve) stays alive and the two
// sides alternate in rounds (ours, then PyTorch's, per mixer), so both see the same load on a shared machine; the
// ratio is reported per round and as the median. Also prints the attention model's matrix-product GFLOP/s against
// the FMA peak measured in the same process (a 16-accumulator FMA loop, Subquad.Core's FmaPeak), the load average
// before and after, and (--profile) where one step's time goes, per op file.
// Usage: dotnet run --project bench/Subquad.Learn.Bench -c Release -- [--rounds 3] [--steps 3] [--mamba-steps 1]
//        [--threads 2] [--python /usr/bin/python3] [--profile] [--profile-steps 3] [--warmup 3] [--mixers attention,mamba]
//        [--pool-ab]: instead of PyTorch, the pooled tape (what Trainer.Train runs) against fresh arrays per step (the
//        code before the pool), interleaved per round in this process (order alternating), with wall and process CPU
//        seconds per step, bytes allocated, gen-2 collections and minor page faults per step; ratio per round, median.
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
// Untimed steps before anything is timed: the JIT compiles first at tier 0 and recompiles hot methods optimised only
// after about 30 calls (and a 100 ms quiet period), so a step right after the first runs partly unoptimised code; a
// training run of thousands of steps does not. PyTorch (no tiered JIT) warms up with one step.
int warmup = Arg("--warmup", 3), profileSteps = Arg("--profile-steps", 3);
bool profile = args.Contains("--profile"), poolAb = args.Contains("--pool-ab");
string[] mixers = (args.SkipWhile(a => a != "--mixers").Skip(1).FirstOrDefault() ?? "attention,mamba").Split(',');
string python = args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault() ?? "/usr/bin/python3";
const int Width = 64, Length = 256, Batch = 32, Layers = 2, InputDim = 65;
LearnThreads.Max = threads;
string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
Console.WriteLine($"CPU: {cpu}; {Environment.ProcessorCount} cores; {threads} threads; GEMM kernel {Gemm.Best}; width {Width}, n {Length}, batch {Batch}, {Layers} layers");
Console.WriteLine($"load average before: {loadBefore}");

// The peak also per CPU-second of this process (flops / (user + system seconds)): on a shared machine the wall-clock
// peak and a later step see different shares of the cores, but flops per CPU-second compare like with like.
var self = Process.GetCurrentProcess();
var peakCpu0 = self.TotalProcessorTime;
var peakClock = Stopwatch.StartNew();
double peak = FmaPeak.MeasureGflops(threads, TimeSpan.FromSeconds(1));
double peakWall = peakClock.Elapsed.TotalSeconds;
self.Refresh();
double peakPerCpu = peak * peakWall / (self.TotalProcessorTime - peakCpu0).TotalSeconds;
Console.WriteLine($"FMA peak ({threads} threads, 16 independent FMA chains): {peak:F1} GFLOP/s wall, {peakPerCpu:F1} GFLOP per CPU-second");

// Useful matrix-product flops per attention step: 6·m·k·n per linear layer (forward, dx, dW) and per layer the causal
// halves of QKᵀ and PV forward (2 products) and backward (4 products) at 2·L²/2·d each.
long tokens = (long)Batch * Length;
long linearFlops = 6 * tokens * (InputDim * Width + Layers * (Width * 3 * Width + Width * Width + 2 * Width * 2 * Width) + Width * 2);
long attentionFlops = Layers * 6L * Batch * Length * Length * Width;

var ours = new Dictionary<string, Action>();
var fresh = new Dictionary<string, Action>();
foreach (var kind in mixers.Select(m => MixerKinds.TryParse(m, out var k) ? k : throw new ArgumentException($"unknown mixer {m}")))
{
    var model = new SequenceModel(new ModelConfig(InputDim, 2, Layers, new MixerSpec(kind, Width), Length, ModelConfig.PositionsFor(kind)), 1);
    var rng = new Random(1);
    var inputs = new float[Batch * Length * InputDim];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.Next(2) == 0 ? -1f : 1f;
    var targets = new int[Batch * Length];
    for (int i = 0; i < targets.Length; i++) targets[i] = rng.Next(2);
    var optimiser = new AdamW(model.Parameters);
    var pool = new TensorPool(); // one per run, as in Trainer.Train
    void StepWith(Tape tape)
    {
        var loss = CrossEntropy.Apply(tape, model.Forward(tape, inputs, Batch, Length), targets);
        tape.Backward(loss);
        AdamW.ClipGradients(model.Parameters, 1.0);
        optimiser.Step(1e-3);
        tape.Release();
    }

    void Step() => StepWith(new Tape(pool));
    for (int w = 0; w < Math.Max(1, warmup); w++) Step(); // warm-up (JIT tiers, first allocations, the pool's buffers)
    ours[kind.Name()] = Step;
    fresh[kind.Name()] = () => StepWith(new Tape());
    if (poolAb) fresh[kind.Name()]();
    if (profile)
    {
        Tape.Profile = [];
        var clock = Stopwatch.StartNew();
        for (int p = 0; p < profileSteps; p++) Step();
        double total = clock.Elapsed.TotalSeconds / profileSteps;
        var table = Tape.Profile.ToDictionary(kv => kv.Key, kv => (Forward: kv.Value.Forward / profileSteps, Backward: kv.Value.Backward / profileSteps));
        Tape.Profile = null;
        Console.WriteLine($"profile, one {kind.Name()} step (mean of {profileSteps}): {total:F3} s");
        foreach (var (op, (f, b)) in table.OrderByDescending(kv => kv.Value.Forward + kv.Value.Backward))
        {
            Console.WriteLine($"  {op,-18} forward {f:F3} s  backward {b:F3} s  ({(f + b) / total:P0})");
        }

        Console.WriteLine($"  {"(not on the tape)",-18} {total - table.Values.Sum(v => v.Forward + v.Backward):F3} s: clipping, AdamW, loss glue");
    }
}

if (poolAb)
{
    PoolAb();
    return;
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

        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < n; s++) ours[mixer]();
        double oursTps = n * tokens / clock.Elapsed.TotalSeconds;
        self.Refresh();
        double cpuPerStep = (self.TotalProcessorTime - cpu0).TotalSeconds / n;
        double? torchTps = null;
        if (torch is not null)
        {
            torch.StandardInput.WriteLine($"{mixer} {n}");
            torch.StandardInput.Flush();
            using var reply = JsonDocument.Parse(torch.StandardOutput.ReadLine()!);
            torchTps = n * tokens / reply.RootElement.GetProperty("seconds").GetDouble();
        }

        var row = new Dictionary<string, object?> { ["round"] = r, ["mixer"] = mixer, ["steps"] = n, ["subquad_tokens_per_second"] = oursTps, ["subquad_cpu_seconds_per_step"] = cpuPerStep, ["pytorch_tokens_per_second"] = torchTps, ["ratio"] = oursTps / torchTps };
        string extra = "";
        if (mixer == "attention")
        {
            double gflops = (linearFlops + attentionFlops) * oursTps / tokens / 1e9;
            row["matrix_gflops_per_second"] = gflops;
            row["fraction_of_fma_peak"] = gflops / peak;
            extra = $", matrix products {gflops:F1} GFLOP/s = {gflops / peak:P1} of the FMA peak";
        }

        rows.Add(row);
        Console.WriteLine($"round {r} {mixer}: subquad {oursTps:F0} tokens/s ({cpuPerStep:F3} CPU-s/step), pytorch {(torchTps is { } t ? t.ToString("F0") : "n/a")} tokens/s, ratio {(torchTps is { } t2 ? (oursTps / t2).ToString("F2") + "x" : "n/a")}{extra}");
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

void PoolAb()
{
    var me = Process.GetCurrentProcess();
    var abRows = new List<Dictionary<string, object?>>();
    foreach (var mixer in mixers)
    {
        int n = mixer == "mamba" ? mambaSteps : steps;
        for (int r = 1; r <= rounds; r++)
        {
            var row = new Dictionary<string, object?> { ["round"] = r, ["mixer"] = mixer, ["steps"] = n };
            foreach (var variant in r % 2 == 1 ? new[] { "fresh", "pooled" } : ["pooled", "fresh"])
            {
                var step = variant == "fresh" ? fresh[mixer] : ours[mixer];
                me.Refresh();
                var cpu0 = me.TotalProcessorTime;
                long bytes0 = GC.GetTotalAllocatedBytes(), gen2 = GC.CollectionCount(2), faults0 = MinorFaults();
                var clock = Stopwatch.StartNew();
                for (int s = 0; s < n; s++) step();
                double wall = clock.Elapsed.TotalSeconds;
                me.Refresh();
                row[$"{variant}_wall_seconds_per_step"] = wall / n;
                row[$"{variant}_cpu_seconds_per_step"] = (me.TotalProcessorTime - cpu0).TotalSeconds / n;
                row[$"{variant}_allocated_mb_per_step"] = (GC.GetTotalAllocatedBytes() - bytes0) / 1e6 / n;
                row[$"{variant}_gen2_collections_per_step"] = (GC.CollectionCount(2) - gen2) / (double)n;
                row[$"{variant}_minor_faults_per_step"] = (MinorFaults() - faults0) / (double)n;
            }

            row["wall_speedup"] = (double)row["fresh_wall_seconds_per_step"]! / (double)row["pooled_wall_seconds_per_step"]!;
            row["cpu_speedup"] = (double)row["fresh_cpu_seconds_per_step"]! / (double)row["pooled_cpu_seconds_per_step"]!;
            if (mixer == "attention")
            {
                double gflops = (linearFlops + attentionFlops) / (double)row["pooled_wall_seconds_per_step"]! / 1e9;
                row["pooled_matrix_gflops_per_second"] = gflops;
                row["pooled_fraction_of_fma_peak"] = gflops / peak;
                double perCpu = (linearFlops + attentionFlops) / (double)row["pooled_cpu_seconds_per_step"]! / 1e9;
                row["pooled_matrix_gflops_per_cpu_second"] = perCpu;
                row["pooled_fraction_of_fma_peak_per_cpu_second"] = perCpu / peakPerCpu;
            }

            abRows.Add(row);
            Console.WriteLine($"round {r} {mixer}: fresh {row["fresh_wall_seconds_per_step"]:F3} s/step wall, {row["fresh_cpu_seconds_per_step"]:F3} CPU-s, {row["fresh_allocated_mb_per_step"]:F0} MB, {row["fresh_gen2_collections_per_step"]:F1} gen2, {row["fresh_minor_faults_per_step"]:F0} faults | pooled {row["pooled_wall_seconds_per_step"]:F3} s wall, {row["pooled_cpu_seconds_per_step"]:F3} CPU-s, {row["pooled_allocated_mb_per_step"]:F0} MB, {row["pooled_gen2_collections_per_step"]:F1} gen2, {row["pooled_minor_faults_per_step"]:F0} faults | speed-up wall {row["wall_speedup"]:F2}x, CPU {row["cpu_speedup"]:F2}x"
                + (mixer == "attention" ? $", pooled matrix products {row["pooled_matrix_gflops_per_second"]:F1} GFLOP/s = {row["pooled_fraction_of_fma_peak"]:P1} of the FMA peak (wall), {row["pooled_matrix_gflops_per_cpu_second"]:F1} GFLOP per CPU-second = {row["pooled_fraction_of_fma_peak_per_cpu_second"]:P1} of the peak per CPU-second" : ""));
        }
    }

    string after = File.ReadAllText("/proc/loadavg").Trim();
    Console.WriteLine($"load average after: {after}");
    var doc = new Dictionary<string, object?>
    {
        ["schema"] = "subquad.bench-learn-pool/1", ["cpu"] = cpu, ["threads"] = threads, ["gemm_kernel"] = Gemm.Best.ToString(), ["fma_peak_gflops_per_second"] = peak,
        ["fma_peak_gflops_per_cpu_second"] = peakPerCpu,
        ["load_average_before"] = loadBefore, ["load_average_after"] = after, ["rounds"] = abRows,
    };
    foreach (var mixer in mixers)
    {
        var mine = abRows.Where(r => (string)r["mixer"]! == mixer).ToList();
        double wall = Median(mine.Select(r => (double)r["wall_speedup"]!)), cpuRatio = Median(mine.Select(r => (double)r["cpu_speedup"]!));
        doc[$"{mixer}_median_wall_speedup"] = wall;
        doc[$"{mixer}_median_cpu_speedup"] = cpuRatio;
        Console.WriteLine($"{mixer}: median pooled speed-up {wall:F2}x wall, {cpuRatio:F2}x CPU over {mine.Count} rounds (wall min {mine.Min(r => (double)r["wall_speedup"]!):F2}x, max {mine.Max(r => (double)r["wall_speedup"]!):F2}x)");
        if (mixer == "attention")
        {
            double frac = Median(mine.Select(r => (double)r["pooled_fraction_of_fma_peak"]!));
            double fracCpu = Median(mine.Select(r => (double)r["pooled_fraction_of_fma_peak_per_cpu_second"]!));
            doc["attention_median_pooled_fraction_of_fma_peak"] = frac;
            doc["attention_median_pooled_fraction_of_fma_peak_per_cpu_second"] = fracCpu;
            Console.WriteLine($"attention: median pooled matrix products at {frac:P1} of the measured FMA peak (wall clock), {fracCpu:P1} per CPU-second");
        }
    }

    Console.WriteLine(JsonSerializer.Serialize(doc));
}

// Minor page faults of this process so far (/proc/self/stat field 10): fresh large arrays fault on first touch.
static long MinorFaults()
{
    string stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[7], CultureInfo.InvariantCulture); // field 10 overall; fields after "(comm)" start at 3
}

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
