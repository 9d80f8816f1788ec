using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;
using Subquad.Models.Precision;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad transformer FILE [--against FILE2] --problem ov|maxip|minip|msd|lsd --threshold t ...</c>: builds the
/// paper's one-head transformer for the instance (Thm 4.1, C.1, C.2; corrected by default), runs it with our engine
/// or ONNX Runtime at the chosen precision, prints the decision (and pair with --search), the oracle's answer with
/// --check, the model sizes and the time. Also the precision study (--precision-sweep) and the engine-versus-ORT
/// benchmark (--bench).
/// </summary>
internal static class TransformerCommand
{
    /// <summary>
    /// Reads one vector file. Until Subquad.Core.IO's VectorFile.Read is in this tree it reads the plain text form
    /// (one vector per line as 0/1 characters, '#' comments); wiring the real reader is this one assignment.
    /// </summary>
    internal static Func<string, VectorSet> LoadVectors { get; set; } = Load;

    /// <summary>Any vectors file <c>solve</c> reads (.npy, .fvecs/.bvecs, CSV/TSV), as binary; or one 0/1 string per line in a .txt file.</summary>
    private static VectorSet Load(string path) =>
        string.Equals(Path.GetExtension(path), ".txt", StringComparison.OrdinalIgnoreCase)
            ? ReadZeroOneText(path)
            : Subquad.Core.IO.VectorFile.Read(path, Subquad.Core.IO.VectorKind.Binary);

    public static Command Create(CliIO io)
    {
        var file = new Argument<string?>("FILE") { Description = "Binary vectors: .npy, .bvecs, CSV/TSV of 0/1, or a .txt file with one 0/1 string per line.", Arity = ArgumentArity.ZeroOrOne };
        var against = new Option<string?>("--against") { Description = "Second set B: the problem becomes bichromatic over A x B." };
        var problem = new Option<string>("--problem") { Description = "ov, maxip, minip, msd or lsd.", DefaultValueFactory = _ => "ov" };
        var threshold = new Option<string?>("--threshold") { Description = "t: an integer in [0, l] for maxip/minip, a decimal in [0, 1] for msd/lsd (not for ov)." };
        var scale = new Option<string>("--scale") { Description = "robust (default: lambda from n, l and the score gap) or paper (lambda = 3 ln n).", DefaultValueFactory = _ => "robust" };
        var variant = new Option<string>("--variant") { Description = "corrected (default) or as-written (the paper's construction, flawed for monochromatic maxip/msd).", DefaultValueFactory = _ => "corrected" };
        var runtime = new Option<string>("--runtime") { Description = "own (our streaming engine, default) or onnx (the exported graph in ONNX Runtime).", DefaultValueFactory = _ => "own" };
        var precision = new Option<string>("--precision") { Description = "f64 (default), f32, f16 or bf16 (f16/bf16 emulated by rounding after every operation).", DefaultValueFactory = _ => "f64" };
        var export = new Option<string?>("--export") { Description = "Write the construction as an ONNX model to this file." };
        var search = new Option<bool>("--search") { Description = "Find the optimal pair by transformer runs alone (threshold search over achievable values + index columns)." };
        var check = new Option<bool>("--check") { Description = "Also solve with the exact oracle and compare." };
        var sweep = new Option<bool>("--precision-sweep") { Description = "Run the precision study (no FILE needed)." };
        var sweepN = new Option<string>("--sweep-n") { Description = "Document counts of the precision study.", DefaultValueFactory = _ => "16,64,256" };
        var sweepL = new Option<string>("--sweep-l") { Description = "Widths l of the precision study.", DefaultValueFactory = _ => "8,16,32,64" };
        var plot = new Option<string?>("--plot") { Description = "With --precision-sweep: also draw bits needed versus l to PATH.png and PATH.svg." };
        var trials = new Option<int>("--trials") { Description = "Instances per precision-study cell.", DefaultValueFactory = _ => 6 };
        var bench = new Option<bool>("--bench") { Description = "Benchmark our engine against ONNX Runtime on the same constructed model (no FILE needed)." };
        var threads = new Option<int?>("--threads") { Description = "Threads for both runtimes in --bench (default: all cores)." };
        var benchN = new Option<string>("--bench-n") { Description = "Document counts of the benchmark.", DefaultValueFactory = _ => "1024,2048,4096,8192" };
        var format = CommonOptions.Format();
        var seed = CommonOptions.Seed();
        var device = DeviceChoice.Option();
        var force = OutputFiles.Force();

        var command = new Command("transformer", "Run the paper's one-head transformer (Thm 4.1, C.1, C.2) on an instance, export it to ONNX, or study its precision.");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { against, problem, threshold, scale, variant, runtime, precision, export, search, check, sweep, sweepN, sweepL, trials, plot, bench, benchN, threads, format, seed, device })
        {
            command.Options.Add(option);
        }

        command.Options.Add(force);
        command.SetAction(parse =>
        {
            var fmt = parse.GetValue(format);
            if (parse.GetValue(export) is { } exportPath) OutputFiles.RefuseExisting(exportPath, parse.GetValue(force));
            if (parse.GetValue(sweep))
            {
                RunSweep(io, ParseList(parse.GetValue(sweepN)!, "--sweep-n"), ParseList(parse.GetValue(sweepL)!, "--sweep-l"), parse.GetValue(trials), parse.GetValue(seed), fmt, parse.GetValue(plot));
                return ExitCodes.Ok;
            }

            if (parse.GetValue(bench))
            {
                RunBench(io, ParseList(parse.GetValue(benchN)!, "--bench-n"), parse.GetValue(threads), parse.GetValue(seed), fmt);
                return ExitCodes.Ok;
            }

            string path = parse.GetValue(file) ?? throw new UsageException("FILE is required (or use --precision-sweep / --bench)");
            var a = LoadVectors(path);
            string? againstPath = parse.GetValue(against);
            var instance = againstPath is null ? SimilarityInstance.Monochromatic(a) : SimilarityInstance.Bichromatic(a, LoadVectors(againstPath));
            GpuMixer.Value = GpuMixerFor(parse.GetValue(device)!, parse.GetValue(precision)!, parse.GetValue(runtime)!, instance.A.Count + instance.Right.Count + 1);
            var request = new Request(
                ParseProblem(parse.GetValue(problem)!, parse.GetValue(threshold), parse.GetValue(search)),
                ParseScale(parse.GetValue(scale)!),
                ParseVariant(parse.GetValue(variant)!),
                parse.GetValue(runtime)!.ToLowerInvariant() switch
                {
                    "own" => false,
                    "onnx" => true,
                    var other => throw new UsageException($"--runtime {other}: expected own or onnx"),
                },
                FloatFormats.TryParse(parse.GetValue(precision)!, out var f) ? f : throw new UsageException($"--precision {parse.GetValue(precision)}: expected f64, f32, f16 or bf16"),
                parse.GetValue(export),
                parse.GetValue(search),
                parse.GetValue(check),
                fmt);
            Run(io, instance, request);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What to run on one instance.</summary>
    internal sealed record Request(Problem Problem, ConstructionScale Scale, ConstructionVariant Variant, bool Onnx, FloatFormat Precision, string? Export, bool Search, bool Check, OutputFormat Format);

    /// <summary>Runs one request on an instance built in code or loaded (the in-process test entry).</summary>
    /// <remarks>
    /// Output (issue 13, the schema of BRIEF.md): one record, keys in snake_case, typed values, "schema":
    /// "subquad.transformer/1"; the human table shows the same keys. A precision too narrow for the construction's
    /// lambda is refused before anything runs (<see cref="PrecisionRefusedException"/>, exit 3).
    /// </remarks>
    internal static void Run(CliIO io, SimilarityInstance instance, Request request)
    {
        instance.Validate(request.Problem);
        if (!instance.IsBinary) throw new InputException(instance.A.Source, null, "is dense; the paper's transformers take binary vectors");
        var record = new List<(string Key, object? Value)>
        {
            ("schema", "subquad.transformer/1"),
            ("input", new Dictionary<string, object?>
            {
                ["path"] = instance.A.Source,
                ["path_b"] = instance.B?.Source,
                ["n"] = instance.A.Count,
                ["n_b"] = instance.B?.Count,
                ["dim"] = instance.Dimensions,
                ["kind"] = "binary",
                ["dtype"] = "bit",
            }),
            ("problem", request.Problem.Kind.CliName()),
            ("threshold", request.Problem.Threshold is { } th ? th.ToDouble() : null),
            // The rational as parsed, num/den: 0.50000000000000001 is not 0.5, though "threshold" (a double) says so.
            ("threshold_exact", request.Problem.Threshold is { } exact ? (exact.IsInteger ? exact.Numerator.ToString(CultureInfo.InvariantCulture) : $"{exact.Numerator.ToString(CultureInfo.InvariantCulture)}/{exact.Denominator.ToString(CultureInfo.InvariantCulture)}") : null),
            ("bichromatic", instance.IsBichromatic),
            ("runtime", request.Onnx ? "onnx" : "own"),
            ("precision", request.Precision.CliName()),
        };
        var clock = Stopwatch.StartNew();
        if (request.Search)
        {
            if (request.Variant != ConstructionVariant.Corrected || request.Scale != ConstructionScale.Robust) throw new UsageException("--search needs --variant corrected --scale robust");
            SearchResult result;
            if (request.Onnx)
            {
                // Every pass (each threshold decision and the final index read-out) is its own exported graph.
                var element = OnnxElement(request.Precision);
                result = PairSearch.Solve(instance, request.Problem.Kind, construction =>
                {
                    using var runner = new OnnxTransformerRunner(construction, element);
                    return runner.Run(construction.EncodeRaw(instance)).Attention;
                }, request.Precision);
            }
            else
            {
                result = PairSearch.Solve(instance, request.Problem.Kind, Mixer(request.Precision));
            }

            clock.Stop();
            record.Add(("mode", "search"));
            record.Add(("answer", result.Answer.HasPair));
            record.Add(("pair_i", result.Answer.HasPair ? result.Answer.I : null));
            record.Add(("pair_j", result.Answer.HasPair ? result.Answer.J : null));
            record.Add(("score", result.Answer.HasPair ? result.Answer.Score.Value : null));
            record.Add(("forward_passes", result.ForwardPasses));
            AddSizes(record, result.Construction);
            if (request.Check)
            {
                var oracle = BruteForce.Instance.Solve(instance, request.Problem.Kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(request.Problem.Kind));
                record.Add(("oracle_answer", oracle.HasPair));
                record.Add(("oracle_pair_i", oracle.HasPair ? oracle.I : null));
                record.Add(("oracle_pair_j", oracle.HasPair ? oracle.J : null));
                record.Add(("agrees", (oracle.I, oracle.J) == (result.Answer.I, result.Answer.J)));
            }
        }
        else
        {
            SentinelConstruction construction;
            try
            {
                construction = TransformerConstructions.Create(request.Problem, instance, new ConstructionOptions { Scale = request.Scale, Variant = request.Variant });
            }
            catch (ArgumentException ex)
            {
                // The paper's own limits (no bichromatic encoding, 1 <= t <= l for Thm C.1, the paper scale's bound)
                // are usage errors here.
                throw new UsageException(ex.Message.Split(" (Parameter", 2)[0]);
            }

            // Refused before anything is written or run: the precision must represent the decision at this lambda.
            construction.EnsurePrecision(request.Precision);
            if (request.Export is not null) Subquad.Core.IO.AtomicFile.Write(request.Export, stream => stream.Write(OnnxBuilder.ToBytes(ConstructionExporter.Export(construction, request.Precision == FloatFormat.Float32 ? OnnxElementType.Float32 : OnnxElementType.Float64))));
            double phi2;
            if (request.Onnx)
            {
                using var runner = new OnnxTransformerRunner(construction, OnnxElement(request.Precision));
                phi2 = runner.Run(construction.EncodeRaw(instance)).Tf;
            }
            else
            {
                var input = construction.Build(instance);
                phi2 = construction.Phi2(Mixer(request.Precision).Forward(input.X, input.Weights));
            }

            clock.Stop();
            record.Add(("mode", "decision"));
            record.Add(("answer", phi2 >= 0.5));
            record.Add(("phi2", phi2));
            AddSizes(record, construction);
            if (request.Check)
            {
                var oracle = BruteForce.Instance.Solve(instance, request.Problem);
                record.Add(("oracle_answer", oracle.Found));
                record.Add(("oracle_pair_i", oracle.HasPair ? oracle.I : null));
                record.Add(("oracle_pair_j", oracle.HasPair ? oracle.J : null));
                record.Add(("agrees", oracle.Found == phi2 >= 0.5));
            }

            record.Add(("exported", request.Export));
        }

        record.Add(("time_ms", clock.Elapsed.TotalMilliseconds));
        Print(io, "transformer", record, request.Format);
    }
    /// <summary>The ONNX element type for a precision; f16 and bf16 exist only as our engine's emulation.</summary>
    private static OnnxElementType OnnxElement(FloatFormat precision) => precision switch
    {
        FloatFormat.Float64 => OnnxElementType.Float64,
        FloatFormat.Float32 => OnnxElementType.Float32,
        _ => throw new UsageException("--runtime onnx runs f64 or f32; f16/bf16 are emulated by --runtime own"),
    };

    private static string Kind(this Request request) => request.Problem.Kind.PaperName();

    /// <summary>The GPU attention mixer chosen by --device for this invocation (null: the CPU engine).</summary>
    private static readonly AsyncLocal<IAttentionMixer?> GpuMixer = new();

    /// <summary>--device gpu runs the float32 GPU kernel with our runtime only, so it needs --precision f32 and --runtime own.</summary>
    private static IAttentionMixer? GpuMixerFor(string device, string precision, string runtime, long rows)
    {
        bool f32 = string.Equals(precision, "f32", StringComparison.OrdinalIgnoreCase);
        bool own = string.Equals(runtime, "own", StringComparison.OrdinalIgnoreCase);
        if (string.Equals(device, "gpu", StringComparison.OrdinalIgnoreCase) && (!f32 || !own))
        {
            throw new UsageException("--device gpu runs the float32 attention kernel of our runtime: add --precision f32 (and --runtime own)");
        }

        return f32 && own ? DeviceChoice.Mixer(device, rows) : DeviceChoice.Mixer(device is "auto" ? "cpu" : device, rows);
    }

    private static IAttentionMixer Mixer(FloatFormat precision) => GpuMixer.Value ?? precision switch
    {
        FloatFormat.Float64 => AttentionEngine.Default,
        FloatFormat.Float32 => new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32 }),
        _ => new EmulatedAttention(precision),
    };

    private static void AddSizes(List<(string, object?)> record, SentinelConstruction c)
    {
        record.Add(("theorem", c.Theorem));
        record.Add(("variant", c.Variant == ConstructionVariant.Corrected ? "corrected" : "as-written"));
        record.Add(("scale", c.Scale == ConstructionScale.Robust ? "robust" : "paper"));
        record.Add(("threshold_used", c.ThresholdValue));
        record.Add(("gap", c.Gap));
        record.Add(("d", c.RawWidth));
        record.Add(("d_in", c.InputWidth));
        record.Add(("m", c.EmbeddingDimension));
        record.Add(("d_out", c.OutputWidth));
        record.Add(("position_code_length", c.Layout?.PositionCount));
        record.Add(("lambda", c.Lambda));
        record.Add(("margin_lambda_delta", c.Lambda * c.Margin));
        record.Add(("max_abs_score", c.Lambda * c.ScoreMagnitude));
        record.Add(("significand_bits_needed", c.RequiredSignificandBits));
        record.Add(("phi2_a", c.PhiTwoLow));
        record.Add(("phi2_b", c.PhiTwoHigh));
    }

    private static void Print(CliIO io, string title, List<(string Key, object? Value)> record, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Json:
                var document = new Dictionary<string, object?>();
                foreach (var (k, v) in record) document[k] = v;
                io.Out.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                break;
            case OutputFormat.Csv:
                var flat = Flatten(record);
                io.Out.WriteLine(string.Join(",", flat.Select(f => Csv(f.Key))));
                io.Out.WriteLine(string.Join(",", flat.Select(f => Csv(CsvValue(f.Value)))));
                break;
            default:
                var table = new Table().Title(title).AddColumn("").AddColumn("");
                table.ShowHeaders = false;
                foreach (var (k, v) in Flatten(record)) table.AddRow(Markup.Escape(k), Markup.Escape(HumanValue(k, v)));
                io.Console.Write(table);
                break;
        }
    }

    // CSV columns are the JSON keys, the input object's keys prefixed with "input_".
    private static List<(string Key, object? Value)> Flatten(List<(string Key, object? Value)> record)
    {
        var flat = new List<(string, object?)>();
        foreach (var (k, v) in record)
        {
            if (v is Dictionary<string, object?> inner)
            {
                foreach (var (ik, iv) in inner) flat.Add(("input_" + ik, iv));
            }
            else
            {
                flat.Add((k, v));
            }
        }

        return flat;
    }

    private static string CsvValue(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string HumanValue(string key, object? value) => value switch
    {
        null => "-",
        bool b => key == "agrees" ? (b ? "yes" : "NO") : b ? "yes" : "no",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    internal static Problem ParseProblem(string kindText, string? thresholdText, bool search = false)
    {
        if (!ProblemKinds.TryParse(kindText, out var kind)) throw new UsageException($"--problem {kindText}: expected ov, maxip, minip, msd or lsd");
        if (search && thresholdText is null) return kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind);
        if (kind == ProblemKind.Ov)
        {
            if (thresholdText is not null) throw new UsageException("--threshold: ov takes no threshold");
            return Problem.OrthogonalVectors;
        }

        if (thresholdText is null) throw new UsageException($"--threshold is required for {kind.CliName()}");
        if (!Problem.TryCreate(kind, thresholdText, null, out var problem, out var error)) throw new UsageException("--" + error);
        return problem;
    }

    private static ConstructionScale ParseScale(string text) => text.ToLowerInvariant() switch
    {
        "robust" => ConstructionScale.Robust,
        "paper" => ConstructionScale.Paper,
        _ => throw new UsageException($"--scale {text}: expected robust or paper"),
    };

    private static ConstructionVariant ParseVariant(string text) => text.ToLowerInvariant() switch
    {
        "corrected" => ConstructionVariant.Corrected,
        "as-written" or "aswritten" or "paper" => ConstructionVariant.AsWritten,
        _ => throw new UsageException($"--variant {text}: expected corrected or as-written"),
    };

    private static int[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 2) throw new UsageException($"{option} {text}: expected a comma-separated list of integers >= 2");
        }

        return values.Length > 0 ? values : throw new UsageException($"{option}: empty list");
    }

    /// <summary>One vector per line as '0'/'1' characters; blank lines and lines starting with '#' are skipped.</summary>
    internal static VectorSet ReadZeroOneText(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException(null, path);
        var rows = new List<bool[]>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var bits = new bool[line.Length];
            for (int k = 0; k < line.Length; k++)
            {
                bits[k] = line[k] switch
                {
                    '0' => false,
                    '1' => true,
                    _ => throw new InputException(path, $"line {lineNumber}", $"'{line[k]}' is not 0 or 1 (this reader takes one 0/1 vector per line)"),
                };
            }

            if (rows.Count > 0 && bits.Length != rows[0].Length) throw new InputException(path, $"line {lineNumber}", $"has {bits.Length} bits but the first vector has {rows[0].Length}");
            rows.Add(bits);
        }

        if (rows.Count == 0) throw new InputException(path, null, "has no vectors");
        return BinaryVectors.FromRows(rows, rows[0].Length, null, path);
    }

    private static void RunSweep(CliIO io, int[] documents, int[] dimensions, int trials, int seed, OutputFormat format, string? plotStem)
    {
        var kinds = new[] { ProblemKind.Ov, ProblemKind.MaxIp, ProblemKind.MinIp, ProblemKind.Msd, ProblemKind.Lsd };
        var formats = new[] { FloatFormat.Float64, FloatFormat.Float32, FloatFormat.Float16, FloatFormat.BFloat16 };
        var progress = io.Interactive ? new Progress<string>(line => io.Error.WriteLine(line)) : null;
        var cells = PrecisionSweep.Run(kinds, documents, dimensions, formats, trials, seed, progress);
        if (plotStem is not null)
        {
            foreach (string written in Subquad.Lab.Reports.PrecisionPlot.Write(cells, plotStem)) io.Error.WriteLine("wrote " + written);
        }

        if (format == OutputFormat.Json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new
            {
                schema = "subquad.transformer/1",
                mode = "precision_sweep",
                rows = cells.Select(c => new { problem = c.Kind.CliName(), format = c.Format.CliName(), significand_bits = c.Format.SignificandBits(), n = c.Documents, l = c.Dimensions, trials = c.Trials, wrong = c.Wrong, lambda = c.Lambda }),
            }));
            return;
        }

        if (format == OutputFormat.Csv)
        {
            io.Out.WriteLine("problem,format,significand_bits,n,l,trials,wrong,lambda");
            foreach (var c in cells) io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Kind.CliName()},{c.Format.CliName()},{c.Format.SignificandBits()},{c.Documents},{c.Dimensions},{c.Trials},{c.Wrong},{c.Lambda:R}"));
            return;
        }

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

    private static void RunBench(CliIO io, int[] documents, int? threads, int seed, OutputFormat format)
    {
        // The same constructed model for both runtimes: the corrected bichromatic Max-IP_t construction with l = 96,
        // so d_in = m = l + 4 = 100 and d_out = 1, on a random instance with n documents split evenly.
        const int l = 96;
        var results = new List<BenchRow>();
        string loadBefore = LoadAverage();
        foreach (int n in documents)
        {
            var instance = SimilarityInstance.Bichromatic(InstanceGenerator.RandomBinary(n / 2, l, 0.3, seed), InstanceGenerator.RandomBinary(n - (n / 2), l, 0.3, seed + 1));
            var construction = TransformerConstructions.Create(Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(20)), instance);
            var input = construction.Build(instance);
            var raw = construction.EncodeRaw(instance);
            var engine32 = new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32, MaxDegreeOfParallelism = threads });
            var engine64 = new AttentionEngine(new AttentionEngineOptions { MaxDegreeOfParallelism = threads });
            // Warm-up (JIT, thread pool), then the minimum of 3-25 interleaved repetitions per runtime: the machine
            // may be shared, and the minimum is the least disturbed run.
            // Warm-up until tiered compilation has promoted the TensorPrimitives and kernel code (>= 0.5 s or 20 runs):
            // one-shot timings at small n otherwise measure tier-0 code.
            var warm = Stopwatch.StartNew();
            for (int run = 0; run < 20 && warm.Elapsed.TotalSeconds < 0.5; run++) engine32.Forward(input.X, input.Weights);
            bool large = n > 16384; // one repetition and no f64 run: each pass takes minutes on two cores
            if (!large) engine64.Forward(input.X, input.Weights);
            double scoreBytes = 4.0 * (n + 1) * (n + 1);
            bool ortFits = scoreBytes * 3 < 0.5 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes; // scores, softmax and a copy
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            long workingBefore = self.WorkingSet64;
            using var runner = ortFits ? new OnnxTransformerRunner(construction, OnnxElementType.Float32, threads) : null;
            warm.Restart();
            for (int run = 0; runner is not null && run < 20 && warm.Elapsed.TotalSeconds < 0.5; run++) runner.Run(raw);
            self.Refresh();
            long ortPeak = runner is null ? 0 : Math.Max(0, self.PeakWorkingSet64 - workingBefore);
            double ownMs = double.MaxValue, own64Ms = double.MaxValue, ortMs = ortFits ? double.MaxValue : double.NaN;
            long ownBytes = 0;
            double ownCpuMs = double.MaxValue, ortCpuMs = ortFits ? double.MaxValue : double.NaN;
            bool same = true;
            Matrix ours = null!;
            // At least three interleaved repetitions, more while under a second has passed (up to 25): at small n one run
            // is a few ms, and on a shared machine the minimum of three such runs still catches a time slice lost to
            // other processes now and then, on either side.
            var repetitions = Stopwatch.StartNew();
            for (int rep = 0; large ? rep < 1 : rep < 3 || (rep < 25 && repetitions.Elapsed.TotalSeconds < 1); rep++)
            {
                long before = GC.GetTotalAllocatedBytes(true);
                var cpu = self.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                ours = engine32.Forward(input.X, input.Weights);
                ownMs = Math.Min(ownMs, clock.Elapsed.TotalMilliseconds);
                self.Refresh();
                ownCpuMs = Math.Min(ownCpuMs, (self.TotalProcessorTime - cpu).TotalMilliseconds);
                ownBytes = GC.GetTotalAllocatedBytes(true) - before;
                if (!large)
                {
                    clock.Restart();
                    engine64.Forward(input.X, input.Weights);
                    own64Ms = Math.Min(own64Ms, clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    own64Ms = double.NaN;
                }
                if (runner is not null)
                {
                    self.Refresh();
                    cpu = self.TotalProcessorTime;
                    clock.Restart();
                    var (tf, _) = runner.Run(raw);
                    ortMs = Math.Min(ortMs, clock.Elapsed.TotalMilliseconds);
                    self.Refresh();
                    ortCpuMs = Math.Min(ortCpuMs, (self.TotalProcessorTime - cpu).TotalMilliseconds);
                    same &= construction.Decide(ours) == tf >= 0.5;
                }
            }

            results.Add(new BenchRow(n, construction.EmbeddingDimension, ownMs, own64Ms, ortMs, ownCpuMs, ortCpuMs, ownBytes, (long)scoreBytes, ortPeak, same));
            if (io.Interactive) io.Error.WriteLine($"n = {n}: own {ownMs:F0} ms, onnx {ortMs:F0} ms");
        }

        // Exponents are fitted on n >= 4096 when there are two such sizes: below that, fixed costs (thread start,
        // projections, session overhead) flatten the curve. CPU time is the steadier measure on a shared machine.
        var fitted = results.Count(r => r.N >= 4096) >= 2 ? results.Where(r => r.N >= 4096).ToList() : results;
        double ownExponent = FitExponent(fitted.Select(r => ((double)r.N, r.OwnMs)));
        double ortExponent = FitExponent(fitted.Where(r => !double.IsNaN(r.OrtMs)).Select(r => ((double)r.N, r.OrtMs)));
        double ownCpuExponent = FitExponent(fitted.Select(r => ((double)r.N, r.OwnCpuMs)));
        double ortCpuExponent = FitExponent(fitted.Where(r => !double.IsNaN(r.OrtCpuMs)).Select(r => ((double)r.N, r.OrtCpuMs)));
        if (format == OutputFormat.Json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new
            {
                schema = "subquad.transformer/1",
                mode = "bench",
                rows = results.Select(r => new
                {
                    n = r.N, m = r.M, own_f32_ms = r.OwnMs, own_f64_ms = Nullable(r.Own64Ms), ort_f32_ms = Nullable(r.OrtMs), own_f32_cpu_ms = r.OwnCpuMs, ort_f32_cpu_ms = Nullable(r.OrtCpuMs),
                    own_allocated_bytes = r.OwnBytes, ort_scores_bytes = r.OrtScoreBytes, ort_peak_working_set_delta_bytes = r.OrtPeakDelta, same_answer = r.Same,
                }),
                own_time_exponent = Nullable(ownExponent),
                ort_time_exponent = Nullable(ortExponent),
                own_cpu_exponent = Nullable(ownCpuExponent),
                ort_cpu_exponent = Nullable(ortCpuExponent),
                load_before = loadBefore,
                load_after = LoadAverage(),
            }));
            return;
        }

        if (format == OutputFormat.Csv)
        {
            io.Out.WriteLine("n,m,own_f32_ms,own_f64_ms,ort_f32_ms,speedup_ratio,own_f32_cpu_ms,ort_f32_cpu_ms,own_allocated_bytes,ort_scores_bytes,ort_peak_working_set_delta_bytes,same_answer");
            foreach (var r in results) io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.N},{r.M},{r.OwnMs:R},{CsvNumber(r.Own64Ms)},{CsvNumber(r.OrtMs)},{CsvNumber(r.OrtMs / r.OwnMs)},{r.OwnCpuMs:R},{CsvNumber(r.OrtCpuMs)},{r.OwnBytes},{r.OrtScoreBytes},{r.OrtPeakDelta},{(r.Same ? "true" : "false")}"));
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
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fitted time exponent (log time vs log n, n >= {fitted[0].N}): wall own {ownExponent:F2}, onnx runtime {ortExponent:F2}; cpu own {ownCpuExponent:F2}, onnx runtime {ortCpuExponent:F2}"));
        io.Out.WriteLine($"load average (1, 5, 15 min) before: {loadBefore}; after: {LoadAverage()}; {Environment.ProcessorCount} logical cores");
    }

    // Timings on a shared machine mean little without the load next to them (Linux only; elsewhere "n/a").
    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CsvNumber(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    private static double? Nullable(double value) => double.IsFinite(value) ? value : null;

    private static string Bytes(long bytes) => bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):F2} GiB" : $"{bytes / (double)(1 << 20):F1} MiB";

    private static double FitExponent(IEnumerable<(double N, double Ms)> points)
    {
        var p = points.Where(x => x.Ms > 0).Select(x => (X: Math.Log(x.N), Y: Math.Log(x.Ms))).ToList();
        if (p.Count < 2) return double.NaN;
        double mx = p.Average(x => x.X), my = p.Average(x => x.Y);
        return p.Sum(x => (x.X - mx) * (x.Y - my)) / p.Sum(x => (x.X - mx) * (x.X - mx));
    }

    private sealed record BenchRow(int N, int M, double OwnMs, double Own64Ms, double OrtMs, double OwnCpuMs, double OrtCpuMs, long OwnBytes, long OrtScoreBytes, long OrtPeakDelta, bool Same);
}
