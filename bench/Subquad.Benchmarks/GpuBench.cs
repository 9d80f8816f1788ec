using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Subquad.Core;
using Subquad.Core.Engine;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Gpu.Attention;
using Subquad.Gpu.Devices;
using Subquad.Gpu.Engine;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Benchmarks;

/// <summary>
/// The steps of <c>bench/gpu.sh</c>, one per invocation so the script can cap each with a timeout:
/// <c>gpu dense|binary|attention --device cuda|cpu --n N[,N...] --out FILE.json [--cpu-baseline-max N]</c> writes one
/// step's rows; <c>gpu merge OUT.json PART.json...</c> joins them into the one JSON the README quotes.
/// </summary>
/// <remarks>
/// Peaks (stated in the merged output, "peaks"): NVIDIA H200 SXM datasheet (nvidia.com/en-us/data-center/h200,
/// "FP32 67 TFLOPS", non-tensor); 32-bit popcount 16 per SM per clock on compute capability 9.0 (CUDA C++ Programming
/// Guide, "Arithmetic Instructions" throughput table, row "32-bit population count"), times the device's SM count
/// (read from the driver) and its clock (read from the driver; 1.98 GHz, the H100/H200 SXM maximum boost, if absent).
/// A pair of l = 1024-bit rows costs l / 32 = 32 such popcounts (the kernel issues popc.b64, two of them each).
/// </remarks>
internal static class GpuBench
{
    private const double H200Fp32Flops = 67e12;
    private const double PopcountPerSmPerClock = 16;
    private const double DefaultClockHz = 1.98e9;

    public static int Run(string[] args)
    {
        if (args is ["merge", var output, .. var parts]) return Merge(output, parts);
        if (args.Length == 0) return Usage();
        string step = args[0];
        string deviceName = Value(args, "--device") ?? "cuda";
        string output2 = Value(args, "--out") ?? $"gpu-{step}.json";
        var sizes = (Value(args, "--n") ?? "100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int cpuMax = int.Parse(Value(args, "--cpu-baseline-max") ?? "100000", CultureInfo.InvariantCulture);
        string reason = "";
        GpuDevice? device = deviceName == "cpu" ? GpuDevice.CpuAccelerator() : GpuDevice.TryCuda(out reason);
        if (device is null)
        {
            Console.Error.WriteLine($"error: --device cuda: {reason}");
            return 3;
        }

        using (device)
        {
            var rows = new JsonArray();
            var result = new JsonObject
            {
                ["schema"] = "subquad.gpu-bench/1",
                ["step"] = step,
                ["device"] = device.Description,
                ["device_kind"] = device.Kind == GpuDeviceKind.Cuda ? "cuda" : "ilgpu-cpu",
                ["multiprocessors"] = device.Accelerator.NumMultiprocessors,
                ["cpu_model"] = CpuModel(),
                ["cores"] = Environment.ProcessorCount,
                ["rows"] = rows,
            };
            foreach (int n in sizes)
            {
                var row = step switch
                {
                    "dense" => Dense(device, n, n <= cpuMax),
                    "binary" => Binary(device, n, n <= cpuMax),
                    "attention" => Attention(device, n, n <= cpuMax),
                    _ => throw new ArgumentException($"unknown step {step}"),
                };
                rows.Add(row);
                Console.WriteLine(row.ToJsonString());
                Write(output2, result); // after every size: a step cut by its timeout keeps what it measured
            }
        }

        return 0;
    }

    /// <summary>Exact MSD (cosine, no pruning applies) on n Gaussian rows of d = 256: every pair's float32 tile runs.</summary>
    private static JsonObject Dense(GpuDevice device, int n, bool cpuBaseline)
    {
        const int d = 256;
        var random = new Random(n);
        var builder = new DenseVectors.Builder(n, d);
        for (int i = 0; i < n; i++)
        {
            var values = builder.RowSpan(i);
            for (int k = 0; k < d; k++) values[k] = (float)((random.NextDouble() * 2) - 1);
        }

        var instance = SimilarityInstance.Monochromatic(builder.Build());
        var problem = Problem.Exact(ProblemKind.Msd);
        var options = new SolveOptions { Pruning = false };
        var (answer, seconds, resident) = TimeGpu(device, instance, problem, options);
        double pairs = (double)n * (n - 1) / 2;
        double flops = pairs * 2 * d;
        var row = new JsonObject
        {
            ["kind"] = "dense", ["problem"] = "msd", ["n"] = n, ["dim"] = d, ["pairs"] = pairs,
            ["gpu_seconds"] = seconds, ["pairs_per_second"] = pairs / seconds, ["flops_per_second"] = flops / seconds,
            ["peak_flops_per_second"] = H200Fp32Flops, ["fraction_of_peak"] = flops / seconds / H200Fp32Flops,
            ["rows_resident"] = resident, ["answer"] = answer.ToString(),
        };
        AddCpu(row, cpuBaseline, instance, problem, options, answer, seconds);
        return row;
    }

    /// <summary>Exact Max-IP without pruning on n random rows of l = 1024 bits (density 1/2): every pair's popcounts run.</summary>
    private static JsonObject Binary(GpuDevice device, int n, bool cpuBaseline)
    {
        const int l = 1024;
        var random = new Random(n);
        var builder = new BinaryVectors.Builder(n, l);
        for (int i = 0; i < n; i++)
        {
            var words = builder.RowSpan(i);
            for (int w = 0; w < l / 64; w++) words[w] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
        }

        var instance = SimilarityInstance.Monochromatic(builder.Build());
        var problem = Problem.Exact(ProblemKind.MaxIp);
        var options = new SolveOptions { Pruning = false };
        var (answer, seconds, resident) = TimeGpu(device, instance, problem, options);
        double pairs = (double)n * (n - 1) / 2;
        double clock = device.Accelerator is ILGPU.Runtime.Cuda.CudaAccelerator cuda && cuda.ClockRate > 0 ? cuda.ClockRate * 1000.0 : DefaultClockHz;
        double peak = PopcountPerSmPerClock * device.Accelerator.NumMultiprocessors * clock;
        double popcounts = pairs * (l / 32);
        var row = new JsonObject
        {
            ["kind"] = "binary", ["problem"] = "maxip", ["n"] = n, ["dim"] = l, ["pairs"] = pairs,
            ["gpu_seconds"] = seconds, ["pairs_per_second"] = pairs / seconds, ["popcounts32_per_second"] = popcounts / seconds,
            ["clock_hz"] = clock, ["peak_popcounts32_per_second"] = peak, ["fraction_of_peak"] = popcounts / seconds / peak,
            ["rows_resident"] = resident, ["answer"] = answer.ToString(),
        };
        AddCpu(row, cpuBaseline, instance, problem, options, answer, seconds);
        return row;
    }

    /// <summary>
    /// The paper's OV transformer (Thm 4.1, corrected, robust scale) on n random rows of l = 32 bits: attention on the
    /// GPU (float32) against the CPU attention engine in float32 on the same X, and the decision against the oracle's.
    /// </summary>
    private static JsonObject Attention(GpuDevice device, int n, bool cpuBaseline)
    {
        const int l = 32;
        var random = new Random(n);
        var builder = new BinaryVectors.Builder(n, l);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < l; k++) if (random.Next(2) == 0) builder.Set(i, k);
        }

        var instance = SimilarityInstance.Monochromatic(builder.Build());
        var construction = TransformerConstructions.Create(Problem.OrthogonalVectors, instance);
        var clock = Stopwatch.StartNew();
        var input = construction.Build(instance);
        double buildSeconds = clock.Elapsed.TotalSeconds;
        bool truth = TiledEngine.Default.Solve(instance, Problem.OrthogonalVectors).Found;
        var gpu = new GpuAttention(device);
        clock.Restart();
        var output = gpu.Forward(input.X, input.Weights);
        double gpuSeconds = clock.Elapsed.TotalSeconds;
        double phi2 = input.Phi2(output);
        var row = new JsonObject
        {
            ["kind"] = "attention", ["problem"] = "ov", ["n"] = n, ["rows"] = input.X.Rows, ["d_in"] = input.Weights.InputWidth,
            ["m"] = input.Weights.EmbeddingDimension, ["d_out"] = input.Weights.OutputWidth, ["build_seconds"] = buildSeconds,
            ["gpu_seconds"] = gpuSeconds, ["phi2"] = Finite(phi2), ["decision"] = phi2 >= 0.5, ["oracle"] = truth, ["agrees"] = (phi2 >= 0.5) == truth,
        };
        if (cpuBaseline)
        {
            var cpu = new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32 });
            clock.Restart();
            var reference = cpu.Forward(input.X, input.Weights);
            double cpuSeconds = clock.Elapsed.TotalSeconds;
            double maxRel = 0;
            for (long e = 0; e < output.Data.Length; e++)
            {
                double scale = Math.Max(1e-30, Math.Abs(reference.Data[e]));
                maxRel = Math.Max(maxRel, Math.Abs(output.Data[e] - reference.Data[e]) / scale);
            }

            row["cpu_seconds"] = cpuSeconds;
            row["speedup"] = cpuSeconds / gpuSeconds;
            row["max_relative_difference"] = Finite(maxRel);
        }
        else
        {
            row["cpu_seconds"] = null;
            row["speedup"] = null;
        }

        return row;
    }

    private static (Answer Answer, double Seconds, bool Resident) TimeGpu(GpuDevice device, SimilarityInstance instance, Problem problem, SolveOptions options)
    {
        var engine = new GpuEngine(device);
        var clock = Stopwatch.StartNew();
        var answer = engine.Solve(instance, problem, options);
        return (answer, clock.Elapsed.TotalSeconds, engine.LastSolveResident);
    }

    private static void AddCpu(JsonObject row, bool run, SimilarityInstance instance, Problem problem, SolveOptions options, Answer gpuAnswer, double gpuSeconds)
    {
        if (!run)
        {
            row["cpu_seconds"] = null;
            row["speedup"] = null;
            row["same_answer"] = null;
            return;
        }

        var clock = Stopwatch.StartNew();
        var answer = TiledEngine.Default.Solve(instance, problem, options);
        double seconds = clock.Elapsed.TotalSeconds;
        row["cpu_seconds"] = seconds;
        row["speedup"] = seconds / gpuSeconds;
        row["same_answer"] = answer == gpuAnswer;
    }

    private static int Merge(string output, string[] parts)
    {
        var steps = new JsonArray();
        foreach (var part in parts.Where(File.Exists)) steps.Add(JsonNode.Parse(File.ReadAllText(part)));
        var merged = new JsonObject
        {
            ["schema"] = "subquad.gpu-bench/1",
            ["peaks"] = new JsonObject
            {
                ["fp32_flops_per_second"] = H200Fp32Flops,
                ["fp32_source"] = "NVIDIA H200 Tensor Core GPU datasheet (nvidia.com/en-us/data-center/h200): FP32 67 TFLOPS (SXM, non-tensor)",
                ["popcount32_per_sm_per_clock"] = PopcountPerSmPerClock,
                ["popcount_source"] = "CUDA C++ Programming Guide, arithmetic instruction throughput, compute capability 9.0: 32-bit population count 16 per clock per SM; times SM count and clock from the driver",
            },
            ["steps"] = steps,
            ["missing_steps"] = new JsonArray(parts.Where(p => !File.Exists(p)).Select(p => (JsonNode)Path.GetFileName(p)).ToArray()),
        };
        Write(output, merged);
        Console.WriteLine($"wrote {output} ({steps.Count} steps)");
        return 0;
    }

    /// <summary>JSON has no infinities or NaN: those are written as null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static void Write(string path, JsonNode node)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: gpu dense|binary|attention --device cuda|cpu --n N[,N...] --out FILE [--cpu-baseline-max N] | gpu merge OUT PART...");
        return 2;
    }
}
