using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Subquad.Core.Engine;
using Subquad.Core.Generators;
using Subquad.Core.IO;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad bench</c>: runs the exact engine on seeded instances of the given sizes and reports time, pairs per
/// second, GFLOP/s and the fraction of this machine's measured FMA peak (dense), peak memory, and the time exponent
/// fitted across n (least-squares slope of log time against log n).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliIO io)
    {
        var sizes = new Option<string>("--n") { Description = "Comma-separated row counts, e.g. 5000,10000,20000.", DefaultValueFactory = _ => "2000,4000,8000" };
        var dim = new Option<int>("--dim") { Description = "Bits per row (binary) or floats per row (--dense).", DefaultValueFactory = _ => 1024 };
        var dense = new Option<bool>("--dense") { Description = "Dense float32 Gaussian rows instead of binary ones." };
        var density = new Option<double>("--density") { Description = "Probability of a one in binary rows.", DefaultValueFactory = _ => 0.05 };
        var problems = new Option<string>("--problem") { Description = "Comma-separated problems: msd, lsd, maxip, minip, ov.", DefaultValueFactory = _ => "msd,maxip" };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all cores)." };
        var kernel = new Option<string?>("--kernel") { Description = "Force a kernel variant: Scalar, Vector128, Vector256, Vector512, Avx512VbmiPermute (the default where AVX-512 VBMI exists)." };
        var noPruning = new Option<bool>("--no-pruning") { Description = "Visit every block pair (pruning never changes the answer)." };
        var repeat = new Option<int>("--repeat") { Description = "Runs per size; the fastest is reported.", DefaultValueFactory = _ => 1 };
        var save = new Option<string?>("--save-npy") { Description = "Also write each generated instance to PREFIX_n<N>.npy (for the numpy/FAISS comparison in bench/compare.sh)." };
        var threshold = new Option<string?>("--threshold") { Description = "Solve the threshold decisions (cos >= t, ip >= t, ...) instead of the exact problems." };
        var oracle = new Option<bool>("--check") { Description = "Check each answer against the oracle (O(n^2 l); small n only)." };
        var seed = CommonOptions.Seed();
        var format = CommonOptions.Format();
        var command = new Command("bench", "Time the exact engine on seeded instances: pairs/s, GFLOP/s, fraction of peak, time exponent.");
        foreach (var option in new Option[] { sizes, dim, dense, density, problems, threads, kernel, noPruning, repeat, save, threshold, oracle, seed, format }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            var counts = ParseList<int>(parse.GetValue(sizes)!, "--n", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 2 ? v : null);
            var kinds = ParseList<ProblemKind>(parse.GetValue(problems)!, "--problem", s => ProblemKinds.TryParse(s, out var k) ? k : (ProblemKind?)null);
            int d = parse.GetValue(dim);
            if (d < 1) throw new UsageException($"--dim {d}: must be at least 1");
            bool isDense = parse.GetValue(dense);
            if (isDense && kinds.Contains(ProblemKind.Ov)) throw new UsageException("--problem ov needs binary rows (drop --dense)");
            double p = parse.GetValue(density);
            if (p is < 0 or > 1 || double.IsNaN(p)) throw new UsageException($"--density {p}: must lie in [0, 1]");
            int runs = Math.Max(1, parse.GetValue(repeat));
            int? threadCount = parse.GetValue(threads);
            if (threadCount is < 1) throw new UsageException("--threads must be at least 1");
            KernelVariant? variant = null;
            if (parse.GetValue(kernel) is { } name)
            {
                if (!KernelDispatch.TryParse(name, out var v)) throw new UsageException($"--kernel {name}: one of {string.Join(", ", KernelDispatch.All)}");
                variant = KernelDispatch.Require(v);
            }

            Rational? t = null;
            if (parse.GetValue(threshold) is { } text)
            {
                if (!Rational.TryParse(text, out var parsed)) throw new UsageException($"--threshold {text}: not a non-negative number");
                t = parsed;
            }

            var engine = new TiledEngine(variant);
            int workers = threadCount ?? Environment.ProcessorCount;
            // Where the dense engine screens with int8 multiply-adds, "of peak" is against the int8 peak (the arithmetic
            // it runs), not the float32 FMA peak it can exceed. Peaks are measured before and after the runs and the
            // larger kept: on a shared host one 400 ms window can read low and put a solve above "100% of peak".
            bool int8 = isDense && DenseInnerProducts.UsesInt8Screen(engine.Variant, d);
            double fmaPeak = isDense ? FmaPeak.MeasureGflops(workers, TimeSpan.FromMilliseconds(400)) : double.NaN;
            double int8Peak = int8 ? FmaPeak.MeasureInt8Gops(workers, TimeSpan.FromMilliseconds(400)) : double.NaN;
            int baseSeed = parse.GetValue(seed);
            var rows = new List<BenchRow>();
            foreach (int n in counts)
            {
                VectorSet vectors = isDense ? InstanceGenerator.RandomDense(n, d, baseSeed) : InstanceGenerator.RandomBinary(n, d, p, baseSeed);
                if (parse.GetValue(save) is { } prefix) NpyWriter.Write($"{prefix}_n{n}.npy", vectors);
                var instance = SimilarityInstance.Monochromatic(vectors);
                long inputBytes = isDense ? (long)n * ((DenseVectors)vectors).Stride * 4 : (long)n * ((BinaryVectors)vectors).WordsPerRow * 8;
                foreach (var kind in kinds)
                {
                    var problem = t is { } tv && kind != ProblemKind.Ov ? Problem.WithThreshold(kind, tv) : Problem.Exact(kind);
                    var options = new SolveOptions { Threads = threadCount, Pruning = !parse.GetValue(noPruning) };
                    double best = double.PositiveInfinity;
                    Answer? answer = null;
                    for (int r = 0; r < runs; r++)
                    {
                        var watch = Stopwatch.StartNew();
                        answer = engine.Solve(instance, problem, options);
                        best = Math.Min(best, watch.Elapsed.TotalSeconds);
                    }

                    if (parse.GetValue(oracle) && BruteForce.Instance.Solve(instance, problem) != answer)
                    {
                        throw new InvalidOperationException($"engine answer {answer} differs from the oracle's on n = {n}, {problem}");
                    }

                    double pairs = instance.PairCount;
                    // GFLOP/s and the peak fraction count every unique pair, so they only mean something for full solves:
                    // a decision stops at its first witness.
                    bool full = !problem.IsDecision;
                    double gflops = isDense && full ? 2.0 * d * pairs / best / 1e9 : double.NaN;
                    rows.Add(new BenchRow(
                        isDense ? "dense" : "binary", n, d, isDense ? null : p, kind.CliName(), engine.Variant.ToString(), workers, options.Pruning,
                        best, pairs / best, isDense && full ? gflops : null, null,
                        Process.GetCurrentProcess().PeakWorkingSet64, inputBytes, answer!.ToString()));
                }
            }

            if (isDense)
            {
                fmaPeak = Math.Max(fmaPeak, FmaPeak.MeasureGflops(workers, TimeSpan.FromMilliseconds(400)));
                if (int8) int8Peak = Math.Max(int8Peak, FmaPeak.MeasureInt8Gops(workers, TimeSpan.FromMilliseconds(400)));
                double peak = int8 ? int8Peak : fmaPeak;
                for (int r = 0; r < rows.Count; r++)
                {
                    if (rows[r].Gflops is double g) rows[r] = rows[r] with { FractionOfPeak = g / peak };
                }
            }

            var exponents = kinds.ToDictionary(k => k.CliName(), k => FitExponent(rows.Where(r => r.Problem == k.CliName()).ToList()));
            Print(io, parse.GetValue(format), rows, exponents, isDense ? fmaPeak : null, int8 ? int8Peak : null, baseSeed);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Least-squares slope of log(seconds) against log(n); null with fewer than two sizes.</summary>
    internal static double? FitExponent(IReadOnlyList<BenchRow> rows)
    {
        var points = rows.Where(r => r.Seconds > 0).Select(r => (X: Math.Log(r.N), Y: Math.Log(r.Seconds))).ToList();
        if (points.Select(q => q.X).Distinct().Count() < 2) return null;
        double mx = points.Average(q => q.X), my = points.Average(q => q.Y);
        double sxy = points.Sum(q => (q.X - mx) * (q.Y - my)), sxx = points.Sum(q => (q.X - mx) * (q.X - mx));
        return sxy / sxx;
    }

    private static List<T> ParseList<T>(string text, string option, Func<string, T?> parse)
        where T : struct
    {
        var result = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result.Add(parse(part) ?? throw new UsageException($"{option}: \"{part}\" is not valid"));
        }

        if (result.Count == 0) throw new UsageException($"{option}: give at least one value");
        return result;
    }

    private static void Print(CliIO io, OutputFormat format, List<BenchRow> rows, Dictionary<string, double?> exponents, double? peak, double? int8Peak, int seed)
    {
        var inv = CultureInfo.InvariantCulture;
        if (format == OutputFormat.Json)
        {
            var report = new
            {
                seed,
                fmaPeakGflops = peak,
                int8PeakGops = int8Peak,
                peakMeasuredBy = int8Peak is null
                    ? "in-process loop of 16 independent FMA chains per core"
                    : "in-process loop of 12 independent VPDPBUSD chains per core (the dense engine screens with int8 multiply-adds here; fractionOfPeak is against int8PeakGops)",
                rows,
                timeExponent = exponents,
            };
            io.Out.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            return;
        }

        if (format == OutputFormat.Csv)
        {
            io.Out.WriteLine("input,n,dim,density,problem,kernel,threads,pruning,seconds,pairs_per_second,gflops,fraction_of_peak,peak_working_set_bytes,input_bytes");
            foreach (var r in rows)
            {
                io.Out.WriteLine(string.Join(",", r.Input, r.N, r.Dim, r.Density?.ToString(inv) ?? "", r.Problem, r.Kernel, r.Threads, r.Pruning, r.Seconds.ToString("R", inv), r.PairsPerSecond.ToString("R", inv), r.Gflops?.ToString("R", inv) ?? "", r.FractionOfPeak?.ToString("R", inv) ?? "", r.PeakWorkingSetBytes, r.InputBytes));
            }

            return;
        }

        var table = new Table().AddColumns("input", "n", "dim", "problem", "kernel", "threads", "seconds", "pairs/s", "GFLOP/s", "of peak", "peak RSS", "answer");
        foreach (var r in rows)
        {
            table.AddRow(
                r.Input, r.N.ToString(inv), r.Dim.ToString(inv), r.Problem, r.Kernel, r.Threads.ToString(inv),
                r.Seconds.ToString("F3", inv), r.PairsPerSecond.ToString("G3", inv), r.Gflops?.ToString("F1", inv) ?? "-",
                r.FractionOfPeak?.ToString("P0", inv) ?? "-", $"{r.PeakWorkingSetBytes / (1 << 20)} MiB", Markup.Escape(r.Answer));
        }

        io.Console.Write(table);
        if (peak is double gf) io.Out.WriteLine(string.Create(inv, $"FMA peak {gf:F1} GFLOP/s, measured in-process (16 independent FMA chains per core, no memory traffic)."));
        if (int8Peak is double gi)
        {
            io.Out.WriteLine(string.Create(inv, $"int8 peak {gi:F1} GOP/s (2 per multiply-add), measured in-process (12 VPDPBUSD chains per core): the dense engine screens pairs with int8 multiply-adds on this CPU, so \"of peak\" is against this peak; GFLOP/s count 2 d per pair."));
        }
        foreach (var (problem, exponent) in exponents)
        {
            io.Out.WriteLine(exponent is double e
                ? string.Create(inv, $"{problem}: time ~ n^{e:F2} (least-squares log-log slope across n)")
                : $"{problem}: give two or more --n values to fit the time exponent");
        }

        io.Out.WriteLine($"seed {seed}");
    }

    /// <summary>One measured solve.</summary>
    internal sealed record BenchRow(
        string Input, int N, int Dim, double? Density, string Problem, string Kernel, int Threads, bool Pruning, double Seconds,
        double PairsPerSecond, double? Gflops, double? FractionOfPeak, long PeakWorkingSetBytes, long InputBytes, string Answer);
}
