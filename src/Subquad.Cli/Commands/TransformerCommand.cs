using System.CommandLine;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Lab.Transformers;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Precision;
using Subquad.Models.Runtimes;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad transformer FILE [--against FILE2] --problem ov|maxip|minip|msd|lsd --threshold t ...</c>: builds the
/// paper's one-head transformer for the instance (Thm 4.1, C.1, C.2; corrected by default), runs it on a runtime
/// (<see cref="ITransformerRuntime"/>: our engine or ONNX Runtime) at the chosen precision, prints the decision (and
/// pair with --search), the oracle's answer with --check, the model sizes and the time. Also the precision study
/// (--precision-sweep, Models' <see cref="PrecisionSweep"/>) and the engine-versus-ORT benchmark (--bench, Lab's
/// <c>RuntimeBenchmark</c>). Printing is in <see cref="TransformerOutput"/>.
/// </summary>
internal static class TransformerCommand
{
    public static Command Create(CliIO io)
    {
        var file = new Argument<string?>("FILE") { Description = "Binary vectors: .npy, .bvecs, .csv/.tsv/.txt of 0/1 numbers, or .bits (one 0/1 string per line).", Arity = ArgumentArity.ZeroOrOne };
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
                var documents = TransformerArguments.ParseList(parse.GetValue(sweepN)!, "--sweep-n");
                var widths = TransformerArguments.ParseList(parse.GetValue(sweepL)!, "--sweep-l");
                var progress = io.Interactive ? new Progress<string>(line => io.Error.WriteLine(line)) : null;
                var cells = PrecisionSweep.Run(TransformerOutput.SweepKinds, documents, widths, TransformerOutput.SweepFormats, parse.GetValue(trials), parse.GetValue(seed), progress);
                if (parse.GetValue(plot) is { } plotStem)
                {
                    foreach (string written in Subquad.Lab.Reports.PrecisionPlot.Write(cells, plotStem)) io.Error.WriteLine("wrote " + written);
                }

                TransformerOutput.PrintSweep(io, cells, documents, widths, parse.GetValue(trials), fmt);
                return ExitCodes.Ok;
            }

            if (parse.GetValue(bench))
            {
                var progress = io.Interactive ? new Progress<string>(line => io.Error.WriteLine(line)) : null;
                var result = Subquad.Lab.Transformers.RuntimeBenchmark.Run(TransformerArguments.ParseList(parse.GetValue(benchN)!, "--bench-n"), parse.GetValue(threads), parse.GetValue(seed), progress);
                TransformerOutput.PrintBench(io, result, parse.GetValue(threads), fmt);
                return ExitCodes.Ok;
            }

            string path = parse.GetValue(file) ?? throw new UsageException("FILE is required (or use --precision-sweep / --bench)");
            var a = VectorFile.Read(path, VectorKind.Binary);
            string? againstPath = parse.GetValue(against);
            var instance = againstPath is null ? SimilarityInstance.Monochromatic(a) : SimilarityInstance.Bichromatic(a, VectorFile.Read(againstPath, VectorKind.Binary));
            var request = new Request(
                TransformerArguments.ParseProblem(parse.GetValue(problem)!, parse.GetValue(threshold), parse.GetValue(search)),
                TransformerArguments.ParseScale(parse.GetValue(scale)!),
                TransformerArguments.ParseVariant(parse.GetValue(variant)!),
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
                fmt,
                TransformerArguments.GpuMixerFor(parse.GetValue(device)!, parse.GetValue(precision)!, parse.GetValue(runtime)!, instance.A.Count + instance.Right.Count + 1));
            Run(io, instance, request);
            return ExitCodes.Ok;
        });
        problem.Aliases.Add("-p"); // -p and -t mean --problem and --threshold in every verb
        threshold.Aliases.Add("-t");
        command.WithExamples(
            "subquad transformer docs.npy -p lsd -t 0.1 --check",
            "subquad transformer a.npy --against b.npy -p maxip -t 12 --search --format json",
            "subquad transformer docs.npy -p ov --export ov.onnx --runtime onnx");
        return command;
    }

    /// <summary>What to run on one instance; <paramref name="Mixer"/> is the attention unit --device chose (null: the CPU engine).</summary>
    internal sealed record Request(Problem Problem, ConstructionScale Scale, ConstructionVariant Variant, bool Onnx, FloatFormat Precision, string? Export, bool Search, bool Check, OutputFormat Format, IAttentionMixer? Mixer = null);

    /// <summary>Runs one request on an instance built in code or loaded (the in-process test entry).</summary>
    /// <remarks>
    /// Output (issue 13, the schema of BRIEF.md): one record, keys in snake_case, typed values, "schema":
    /// "subquad.transformer/1". A precision too narrow for the construction's lambda is refused before anything runs
    /// (<see cref="PrecisionRefusedException"/>, exit 3).
    /// </remarks>
    internal static void Run(CliIO io, SimilarityInstance instance, Request request)
    {
        instance.Validate(request.Problem);
        if (!instance.IsBinary) throw new InputException(instance.A.Source, null, "is dense; the paper's transformers take binary vectors");
        var runtime = RuntimeFor(request);
        var document = TransformerOutput.Start(instance, request.Problem, runtime, request.Precision);
        TimeSpan elapsed;
        if (request.Search)
        {
            if (request.Variant != ConstructionVariant.Corrected || request.Scale != ConstructionScale.Robust) throw new UsageException("--search needs --variant corrected --scale robust");
            var search = TransformerRun.FindPair(instance, request.Problem.Kind, runtime, request.Check);
            TransformerOutput.AddSearch(document, search.Result, search.Oracle);
            elapsed = search.Elapsed;
        }
        else
        {
            TransformerRun.Built built;
            try
            {
                built = TransformerRun.Build(instance, request.Problem, new ConstructionOptions { Scale = request.Scale, Variant = request.Variant }, request.Precision);
            }
            catch (ArgumentException ex)
            {
                // The paper's own limits (no bichromatic encoding, 1 <= t <= l for Thm C.1, the paper scale's bound) are usage errors here.
                throw new UsageException(ErrorText.Reason(ex));
            }

            var decision = TransformerRun.Decide(built, instance, request.Problem, runtime, request.Precision, request.Export, request.Check);
            TransformerOutput.AddDecision(document, decision.Construction, decision.Phi2, decision.Oracle, request.Export);
            elapsed = decision.Elapsed;
        }

        document.Add("time_ms", elapsed.TotalMilliseconds);
        TransformerOutput.Print(io, document, request.Format);
    }

    /// <summary>The runtime a request names (<see cref="TransformerRun.Runtime"/>); ONNX Runtime's missing f16/bf16 is a usage error.</summary>
    private static ITransformerRuntime RuntimeFor(Request request)
    {
        try
        {
            return TransformerRun.Runtime(request.Onnx, request.Precision, request.Mixer);
        }
        catch (NotSupportedException) when (request.Onnx)
        {
            throw new UsageException("--runtime onnx runs f64 or f32; f16/bf16 are emulated by --runtime own");
        }
    }
}
