using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Subquad.Cli.Output;
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
        var problems = new Option<string>("--problem") { Description = "Comma-separated problems: msd, lsd, maxip, minip, ov, minhamming, maxhamming.", DefaultValueFactory = _ => "msd,maxip" };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all cores)." };
        var kernel = new Option<string?>("--kernel") { Description = "Force a kernel variant: scalar, vector128, vector256, vector512, avx512vbmipermute (the default where AVX-512 VBMI exists); case does not matter." };
        var pathOption = new Option<string?>("--path") { Description = "Force an engine path (tiles, stagedtiles, onewordtiles, packed6tiles, bitsliced, densefloat32, denseint8; default: chosen for the input and this CPU, see `subquad info`). A forced --kernel never changes the path: give --path where the chosen one needs a wider kernel." };
        var noPruning = new Option<bool>("--no-pruning") { Description = "Visit every block pair (pruning never changes the answer)." };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per size and problem, after one untimed warm-up run; the median is reported and every run enters the exponent fit.", DefaultValueFactory = _ => 3 };
        var save = new Option<string?>("--save-npy") { Description = "Also write each generated instance to PREFIX_n<N>.npy (for the numpy/FAISS comparison in bench/compare.sh)." };
        var threshold = new Option<string?>("--threshold") { Description = "Solve the threshold decisions (cos >= t, ip >= t, ...) instead of the exact problems." };
        var oracle = new Option<bool>("--check") { Description = "Check each answer against the oracle (O(n^2 l); small n only)." };
        var seed = CommonOptions.Seed();
        var format = CommonOptions.Format();
        var command = new Command("bench", "Time the exact engine on seeded instances: pairs/s, GFLOP/s, fraction of peak, time exponent.");
        foreach (var option in new Option[] { sizes, dim, dense, density, problems, threads, kernel, pathOption, noPruning, repeat, save, threshold, oracle, seed, format }) command.Options.Add(option);
        command.WithExamples(
            "subquad bench --n 5000,10000,20000 --dim 1024 --problem msd,maxip",
            "subquad bench --n 2000,4000 --dim 384 --dense --repeat 5 --format json",
            "subquad bench --n 10000 --dim 256 --kernel vector256 --path tiles --threads 1");

        command.SetAction(parse =>
        {
            var counts = ParseList<int>(parse.GetValue(sizes)!, "--n", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 2 ? v : null);
            var kinds = ParseList<ProblemKind>(parse.GetValue(problems)!, "--problem", s => ProblemKinds.TryParse(s, out var k) ? k : (ProblemKind?)null);
            int d = parse.GetValue(dim);
            if (d < 1) throw new UsageException($"--dim {d}: must be at least 1");
            bool isDense = parse.GetValue(dense);
            var binaryOnly = kinds.Where(k => k.NeedsBinary()).ToList();
            if (isDense && binaryOnly.Count > 0) throw new UsageException($"--problem {binaryOnly[0].CliName()} needs binary rows (drop --dense)");
            double p = parse.GetValue(density);
            if (p is < 0 or > 1 || double.IsNaN(p)) throw new UsageException($"--density {p}: must lie in [0, 1]");
            int runs = parse.GetValue(repeat);
            if (runs < 1) throw new UsageException($"--repeat {runs}: must be at least 1");
            int? threadCount = parse.GetValue(threads);
            if (threadCount is < 1) throw new UsageException("--threads must be at least 1");
            KernelVariant? variant = null;
            if (parse.GetValue(kernel) is { } name)
            {
                if (!KernelDispatch.TryParse(name, out var v)) throw new UsageException($"--kernel {name}: one of {string.Join(", ", KernelDispatch.All.Select(k => k.ToString().ToLowerInvariant()))}");
                variant = KernelDispatch.Require(v);
            }

            Rational? t = null;
            if (parse.GetValue(threshold) is { } text)
            {
                if (!Rational.TryParse(text, out var parsed)) throw new UsageException($"--threshold {text}: not a non-negative number");
                t = parsed;
            }

            EnginePath? forcedPath = null;
            if (parse.GetValue(pathOption) is { } pathName)
            {
                if (!EnginePaths.TryParse(pathName, out var parsedPath)) throw new UsageException($"--path {pathName}: one of {string.Join(", ", EnginePaths.All.Select(x => x.ToString().ToLowerInvariant()))}");
                forcedPath = parsedPath;
            }

            var engine = new TiledEngine(variant, path: forcedPath);
            int workers = threadCount ?? Environment.ProcessorCount;
            int baseSeed = parse.GetValue(seed);
            // The path of every case, from two rows of the same shape (the path follows the shape, the forced path and
            // this CPU; a kernel that cannot run it is refused here, before the instances are built).
            var path = engine.PathFor(SimilarityInstance.Monochromatic(isDense ? (VectorSet)InstanceGenerator.RandomDense(2, d, baseSeed) : InstanceGenerator.RandomBinary(2, d, p, baseSeed)));
            // Where the dense engine screens with int8 multiply-adds, "of peak" is against the int8 peak (the arithmetic
            // it runs), not the float32 FMA peak it can exceed. Peaks are measured before and after the runs and the
            // larger kept: on a shared host one 400 ms window can read low and put a solve above "100% of peak".
            bool int8 = path == EnginePath.DenseInt8;
            double fmaPeak = isDense ? FmaPeak.MeasureGflops(workers, TimeSpan.FromMilliseconds(400)) : double.NaN;
            double int8Peak = int8 ? FmaPeak.MeasureInt8Gops(workers, TimeSpan.FromMilliseconds(400)) : double.NaN;
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
                    // One untimed warm-up run (JIT tiers, page faults, caches): a cold first run skews the fit.
                    Answer? answer = engine.Solve(instance, problem, options);
                    var times = new double[runs];
                    for (int r = 0; r < runs; r++)
                    {
                        var watch = Stopwatch.StartNew();
                        answer = engine.Solve(instance, problem, options);
                        times[r] = watch.Elapsed.TotalSeconds;
                    }

                    double best = Median(times);

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
                        Process.GetCurrentProcess().PeakWorkingSet64, inputBytes, answer!.ToString()) { Times = times });
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

    /// <summary>The fitted time exponent with its 95% interval (t distribution on the slope's standard error).</summary>
    internal sealed record ExponentFit(double Exponent, double Ci95Low, double Ci95High, int Points);

    /// <summary>
    /// Least-squares slope of log(seconds) against log(n) over every warm, timed run (repeats included, so the
    /// interval reflects the run-to-run noise); null with fewer than two sizes. The interval needs three or more
    /// points; with exactly two it is unbounded (NaN, printed as null).
    /// </summary>
    internal static ExponentFit? FitExponent(IReadOnlyList<BenchRow> rows)
    {
        var points = rows.SelectMany(r => (r.Times ?? [r.Seconds]).Where(t => t > 0).Select(t => ((double)r.N, t)));
        return Subquad.Lab.Analysis.LogLogFit.Fit(points) is { } fit ? new ExponentFit(fit.Slope, fit.Ci95Low, fit.Ci95High, fit.Points) : null;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
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

    private static void Print(CliIO io, OutputFormat format, List<BenchRow> rows, Dictionary<string, ExponentFit?> exponents, double? peak, double? int8Peak, int seed)
    {
        var inv = CultureInfo.InvariantCulture;
        if (format != OutputFormat.Table)
        {
            var document = new ResultDocument("bench", "rows")
                .Add("seed", seed)
                .Add("warmup_runs", 1)
                .Add("fma_peak_gflops", peak)
                .Add("int8_peak_gops", int8Peak)
                .Add("peak_measured_by", peak is null ? null : int8Peak is null
                    ? "in-process loop of 16 independent FMA chains per core"
                    : "in-process loop of 12 independent VPDPBUSD chains per core (the dense engine screens with int8 multiply-adds here; fraction_of_peak is against int8_peak_gops)")
                .Add("time_exponent", exponents.Select(e => new Record
                {
                    { "problem", e.Key },
                    { "exponent", e.Value?.Exponent },
                    { "ci95_low", e.Value?.Ci95Low },
                    { "ci95_high", e.Value?.Ci95High },
                    { "points", e.Value?.Points },
                }).ToList())
                .Add("rows", rows.Select(r => new Record
                {
                    { "kind", r.Input },
                    { "n", r.N },
                    { "dim", r.Dim },
                    { "density", r.Density },
                    { "problem", r.Problem },
                    { "kernel", r.Kernel.ToLowerInvariant() },
                    { "threads", r.Threads },
                    { "pruning", r.Pruning },
                    { "repeats", r.Times?.Length ?? 1 },
                    { "time_ms", r.Seconds * 1000 },
                    { "time_ms_min", (r.Times ?? [r.Seconds]).Min() * 1000 },
                    { "time_ms_max", (r.Times ?? [r.Seconds]).Max() * 1000 },
                    { "pairs_per_second", r.PairsPerSecond },
                    { "gflops", r.Gflops },
                    { "fraction_of_peak", r.FractionOfPeak },
                    { "peak_working_set_bytes", r.PeakWorkingSetBytes },
                    { "input_bytes", r.InputBytes },
                    { "answer", r.Answer },
                }).ToList());
            document.Write(io.Out, format);
            return;
        }

        var table = new Table().AddColumns("input", "n", "dim", "problem", "kernel", "threads", "median s", "pairs/s", "GFLOP/s", "of peak", "peak RSS", "answer");
        foreach (var r in rows)
        {
            table.AddRow(
                r.Input, r.N.ToString(inv), r.Dim.ToString(inv), r.Problem, r.Kernel.ToLowerInvariant(), r.Threads.ToString(inv),
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
            io.Out.WriteLine(exponent is { } e
                ? string.Create(inv, $"{problem}: time ~ n^{e.Exponent:F2}, 95% interval [{e.Ci95Low:F2}, {e.Ci95High:F2}] (least-squares log-log slope over {e.Points} warm runs; one warm-up run per size not timed)")
                : $"{problem}: give two or more --n values to fit the time exponent");
        }

        io.Out.WriteLine($"seed {seed}");
    }

    /// <summary>One measured solve.</summary>
    internal sealed record BenchRow(
        string Input, int N, int Dim, double? Density, string Problem, string Kernel, int Threads, bool Pruning, double Seconds,
        double PairsPerSecond, double? Gflops, double? FractionOfPeak, long PeakWorkingSetBytes, long InputBytes, string Answer)
    {
        /// <summary>Every timed run's seconds (Seconds is their median).</summary>
        public double[]? Times { get; init; }
    }
}
