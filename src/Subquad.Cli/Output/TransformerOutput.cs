using System.Globalization;
using Spectre.Console;
using Subquad.Cli.Commands;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Lab.Analysis;
using Subquad.Lab.Transformers;
using Subquad.Models.Constructions;
using Subquad.Models.Precision;
using Subquad.Models.Runtimes;

namespace Subquad.Cli.Output;

/// <summary>
/// What <c>subquad transformer</c> prints, in the one schema (<see cref="ResultDocument"/>, "subquad.transformer/1"):
/// the run record (one row; JSON on one line), the precision study's and the runtime benchmark's rows, and their tables.
/// </summary>
internal static class TransformerOutput
{
    /// <summary>The problems of the precision study.</summary>
    public static readonly ProblemKind[] SweepKinds = [ProblemKind.Ov, ProblemKind.MaxIp, ProblemKind.MinIp, ProblemKind.Msd, ProblemKind.Lsd];

    /// <summary>The formats of the precision study, widest first.</summary>
    public static readonly FloatFormat[] SweepFormats = [FloatFormat.Float64, FloatFormat.Float32, FloatFormat.Float16, FloatFormat.BFloat16];

    /// <summary>The run record's first fields: the input, the problem, the runtime and the precision asked for.</summary>
    public static ResultDocument Start(SimilarityInstance instance, Problem problem, ITransformerRuntime runtime, FloatFormat precision) => new ResultDocument("transformer")
        .Add("input", new Record
        {
            { "path", instance.A.Source },
            { "path_b", instance.B?.Source },
            { "n", instance.A.Count },
            { "n_b", instance.B?.Count },
            { "dim", instance.Dimensions },
            { "kind", "binary" },
            { "dtype", "bit" },
        })
        .Add("problem", problem.Kind.CliName())
        .Add("threshold", problem.Threshold is { } th ? th.ToDouble() : null)
        // The rational as parsed, num/den: 0.50000000000000001 is not 0.5, though "threshold" (a double) says so.
        .Add("threshold_exact", problem.Threshold is { } exact ? (exact.IsInteger ? exact.Numerator.ToString(CultureInfo.InvariantCulture) : $"{exact.Numerator.ToString(CultureInfo.InvariantCulture)}/{exact.Denominator.ToString(CultureInfo.InvariantCulture)}") : null)
        .Add("bichromatic", instance.IsBichromatic)
        .Add("runtime", runtime.Name)
        .Add("precision", precision.CliName());

    /// <summary>The pair search's fields (and the oracle's optimum with --check).</summary>
    public static void AddSearch(ResultDocument document, SearchResult result, Answer? oracle)
    {
        document.Add("mode", "search")
            .Add("answer", result.Answer.HasPair)
            .Add("pair_i", result.Answer.HasPair ? result.Answer.I : null)
            .Add("pair_j", result.Answer.HasPair ? result.Answer.J : null)
            .Add("score", result.Answer.HasPair ? result.Answer.Score.Value : null)
            .Add("forward_passes", result.ForwardPasses);
        AddSizes(document, result.Construction);
        if (oracle is null) return;
        document.Add("oracle_answer", oracle.HasPair)
            .Add("oracle_pair_i", oracle.HasPair ? oracle.I : null)
            .Add("oracle_pair_j", oracle.HasPair ? oracle.J : null)
            .Add("agrees", (oracle.I, oracle.J) == (result.Answer.I, result.Answer.J));
    }

    /// <summary>The decision's fields (and the oracle's answer with --check).</summary>
    public static void AddDecision(ResultDocument document, SentinelConstruction construction, double phi2, Answer? oracle, string? exported)
    {
        document.Add("mode", "decision").Add("answer", phi2 >= 0.5).Add("phi2", phi2);
        AddSizes(document, construction);
        if (oracle is not null)
        {
            document.Add("oracle_answer", oracle.Found)
                .Add("oracle_pair_i", oracle.HasPair ? oracle.I : null)
                .Add("oracle_pair_j", oracle.HasPair ? oracle.J : null)
                .Add("agrees", oracle.Found == phi2 >= 0.5);
        }

        document.Add("exported", exported);
    }

    private static void AddSizes(ResultDocument document, SentinelConstruction c) => document
        .Add("theorem", c.Theorem)
        .Add("variant", c.Variant == ConstructionVariant.Corrected ? "corrected" : "as-written")
        .Add("scale", c.Scale == ConstructionScale.Robust ? "robust" : "paper")
        .Add("threshold_used", c.ThresholdValue)
        .Add("gap", c.Gap)
        .Add("d", c.RawWidth)
        .Add("d_in", c.InputWidth)
        .Add("m", c.EmbeddingDimension)
        .Add("d_out", c.OutputWidth)
        .Add("position_code_length", c.Layout?.PositionCount)
        .Add("lambda", c.Lambda)
        .Add("margin_lambda_delta", c.Lambda * c.Margin)
        .Add("max_abs_score", c.Lambda * c.ScoreMagnitude)
        .Add("significand_bits_needed", c.RequiredSignificandBits)
        .Add("phi2_a", c.PhiTwoLow)
        .Add("phi2_b", c.PhiTwoHigh);

    /// <summary>The run record: JSON on one line, CSV (header, one row), or a two-column table of the same keys.</summary>
    public static void Print(CliIO io, ResultDocument document, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Json:
                io.Out.WriteLine(document.ToJson(indented: false));
                break;
            case OutputFormat.Csv:
                document.Write(io.Out, format);
                break;
            default:
                var table = new Table().Title("transformer").AddColumn("").AddColumn("");
                table.ShowHeaders = false;
                foreach (var (key, value) in Flatten(document.Root.Where(f => f.Key != "schema"), "")) table.AddRow(Markup.Escape(key), Markup.Escape(HumanValue(key, value)));
                io.Console.Write(table);
                break;
        }
    }

    private static IEnumerable<(string Key, object? Value)> Flatten(IEnumerable<KeyValuePair<string, object?>> fields, string prefix)
    {
        foreach (var (key, value) in fields)
        {
            if (value is Record nested)
            {
                foreach (var inner in Flatten(nested, prefix + key + ".")) yield return inner;
            }
            else
            {
                yield return (prefix + key, value);
            }
        }
    }

    private static string HumanValue(string key, object? value) => value switch
    {
        null => "-",
        bool b => key == "agrees" ? (b ? "yes" : "NO") : b ? "yes" : "no",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The precision study: rows (problem, format, n, l, trials, wrong, lambda) as JSON or CSV, or one table per problem.</summary>
    public static void PrintSweep(CliIO io, IReadOnlyList<PrecisionSweep.Cell> cells, int[] documents, int[] dimensions, int trials, OutputFormat format)
    {
        if (format is OutputFormat.Json or OutputFormat.Csv)
        {
            var rows = cells.Select(c => new Record
            {
                { "problem", c.Kind.CliName() }, { "format", c.Format.CliName() }, { "significand_bits", c.Format.SignificandBits() }, { "n", c.Documents },
                { "l", c.Dimensions }, { "trials", c.Trials }, { "wrong", c.Wrong }, { "lambda", c.Lambda },
            }).ToList();
            var document = new ResultDocument("transformer", "rows").Add("mode", "precision_sweep").Add("rows", rows);
            if (format == OutputFormat.Json) io.Out.WriteLine(document.ToJson(indented: false));
            else document.Write(io.Out, format);
            return;
        }

        var kinds = SweepKinds;
        var formats = SweepFormats;
        foreach (var kind in kinds)
        {
            var table = new Table().Title($"{kind.PaperName()}: significand bits needed (smallest of bf16 = 8, f16 = 11, f32 = 24, f64 = 53 with no wrong answer in {trials} hardest-gap trials; wrong counts per format)");
            table.AddColumn("n \\ l");
            foreach (int l in dimensions) table.AddColumn(l.ToString(CultureInfo.InvariantCulture));
            foreach (int n in documents)
            {
                var cellsText = dimensions.Select(l =>
                {
                    int? bits = PrecisionSweep.BitsNeeded(cells, kind, n, l);
                    string wrong = string.Join(" ", formats.Select(f => cells.First(c => c.Kind == kind && c.Documents == n && c.Dimensions == l && c.Format == f).Wrong));
                    return $"{(bits is null ? ">53" : bits.Value.ToString(CultureInfo.InvariantCulture))} ({wrong})";
                });
                table.AddRow([n.ToString(CultureInfo.InvariantCulture), .. cellsText]);
            }

            io.Console.Write(table);
        }

        io.Out.WriteLine("cells read: bits needed (wrong answers at f64 f32 f16 bf16). Add --plot PATH for the figure.");
    }

    /// <summary>The runtime benchmark: rows and fitted exponents (each with its 95% interval) as JSON or CSV, or a table.</summary>
    public static void PrintBench(CliIO io, RuntimeBenchmarkResult bench, int? threads, OutputFormat format)
    {
        var results = bench.Rows;
        if (format is OutputFormat.Json or OutputFormat.Csv)
        {
            var rows = results.Select(r => new Record
            {
                { "n", r.N }, { "m", r.M }, { "own_f32_ms", r.OwnMs }, { "own_f64_ms", r.Own64Ms }, { "ort_f32_ms", r.OrtMs }, { "speedup_ratio", r.OrtMs / r.OwnMs },
                { "own_f32_cpu_ms", r.OwnCpuMs }, { "ort_f32_cpu_ms", r.OrtCpuMs }, { "own_allocated_bytes", r.OwnBytes }, { "ort_scores_bytes", r.OrtScoreBytes },
                { "ort_peak_working_set_delta_bytes", r.OrtPeakDelta }, { "same_answer", r.Same },
            }).ToList();
            var document = new ResultDocument("transformer", "rows").Add("mode", "bench").Add("rows", rows);
            foreach (var (name, fit) in new[] { ("own_time_exponent", bench.OwnTime), ("ort_time_exponent", bench.OrtTime), ("own_cpu_exponent", bench.OwnCpu), ("ort_cpu_exponent", bench.OrtCpu) })
            {
                document.Add(name, fit?.Slope).Add(name + "_ci95_low", fit?.Ci95Low).Add(name + "_ci95_high", fit?.Ci95High);
            }

            document.Add("load_before", bench.LoadBefore).Add("load_after", bench.LoadAfter);
            if (format == OutputFormat.Json) io.Out.WriteLine(document.ToJson(indented: false));
            else document.Write(io.Out, format);
            return;
        }

        var table = new Table().Title($"one construction (Max-IP_t corrected, bichromatic, d_in = m = 100, d_out = 1): our engine vs ONNX Runtime (both float32, {(threads is null ? "all cores" : threads + " thread(s)")}, minimum of 3-25 interleaved runs)");
        foreach (var column in new[] { "n", "own f32", "own f64", "onnx runtime f32", "speed-up", "cpu own / ort", "own allocated", "ORT n^2 scores", "ORT peak WS delta", "same answer" }) table.AddColumn(column);
        foreach (var r in results)
        {
            table.AddRow(
                r.N.ToString(CultureInfo.InvariantCulture),
                $"{r.OwnMs:F0} ms",
                double.IsNaN(r.Own64Ms) ? "-" : $"{r.Own64Ms:F0} ms",
                double.IsNaN(r.OrtMs) ? "skipped (n^2 floats exceed memory)" : $"{r.OrtMs:F0} ms",
                double.IsNaN(r.OrtMs) ? "-" : $"{r.OrtMs / r.OwnMs:F2}x",
                double.IsNaN(r.OrtMs) ? $"{r.OwnCpuMs:F0} ms / -" : $"{r.OwnCpuMs:F0} / {r.OrtCpuMs:F0} ms",
                Bytes(r.OwnBytes),
                Bytes(r.OrtScoreBytes),
                Bytes(r.OrtPeakDelta),
                r.Same ? "yes" : "NO");
        }

        io.Console.Write(table);
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fitted time exponent (log time vs log n, n >= {bench.FittedFrom}; 95% interval): wall own {Exponent(bench.OwnTime)}, onnx runtime {Exponent(bench.OrtTime)}; cpu own {Exponent(bench.OwnCpu)}, onnx runtime {Exponent(bench.OrtCpu)}"));
        io.Out.WriteLine($"load average (1, 5, 15 min) before: {bench.LoadBefore}; after: {bench.LoadAfter}; {Environment.ProcessorCount} logical cores");
    }


    private static string Exponent(LogLogFit? fit) => fit is not { } f ? "-"
        : double.IsFinite(f.Ci95Low) ? string.Create(CultureInfo.InvariantCulture, $"{f.Slope:F2} [{f.Ci95Low:F2}, {f.Ci95High:F2}]")
        : string.Create(CultureInfo.InvariantCulture, $"{f.Slope:F2} (2 sizes: no interval)");

    private static string Bytes(long bytes) => bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):F2} GiB" : $"{bytes / (double)(1 << 20):F1} MiB";
}
