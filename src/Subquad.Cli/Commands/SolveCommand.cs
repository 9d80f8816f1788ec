using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad solve FILE [--against FILE2] --problem msd|lsd|maxip|minip|ov|minhamming|maxhamming ...</c>: reads the vectors, asks the
/// problem through <see cref="ExactSolvers"/> (the default exact solver), names rows by file name when the input
/// has row names, and prints the answer; <c>--check</c> has the oracle verify it.
/// </summary>
/// <remarks>
/// Modes: the exact optimum (default), <c>--gamma g</c> (a gamma-approximate pair), <c>--threshold t</c> (yes/no with
/// the smallest witness), <c>--top K</c> (the K best pairs), and <c>--threshold t --all</c> (every pair meeting t,
/// streamed to stdout or <c>-o pairs.csv|pairs.npy</c>, at most <c>--limit K</c>). Ctrl-C or SIGTERM cancels: exit
/// 130 or 143, and the pairs streamed so far stay in the output (a file's partial pairs in NAME.partial.EXT). An
/// existing <c>-o</c> file is refused without <c>--force</c>.
/// </remarks>
internal static class SolveCommand
{
    /// <summary>Everything the command line asked for, parsed and checked.</summary>
    internal sealed record Request
    {
        public required string File { get; init; }

        public string? Against { get; init; }

        public required Problem Problem { get; init; }

        public OutputFormat Format { get; init; }

        public VectorKind? Kind { get; init; }

        public bool All { get; init; }

        public long? Limit { get; init; }

        public string? OutputFile { get; init; }

        public int? Top { get; init; }

        public int? Threads { get; init; }

        public bool Pruning { get; init; } = true;

        public bool Check { get; init; }

        /// <summary>--packed --dim L: the bit length of packed rows, else null.</summary>
        public int? PackedDim { get; init; }

        /// <summary>--mmap / --no-mmap: whether .npy input is memory-mapped (automatic by size unless given).</summary>
        public InputMapping Mapping { get; init; } = InputMapping.Auto;
    }

    public static Command Create(CliIO io)
    {
        var file = new Argument<string>("file") { Description = "Vectors: .npy, .fvecs, .bvecs, .csv or .tsv (row names come from a .names.json sidecar written by embed)." };
        var against = new Option<string?>("--against") { Description = "A second file B: solve the bichromatic problem over pairs (a, b) in A x B." };
        var problem = new Option<string>("--problem", "-p") { Description = "msd, lsd, maxip, minip, ov, minhamming or maxhamming (closest / furthest pair in Hamming distance, binary rows only).", Required = true };
        var threshold = new Option<string?>("--threshold", "-t") { Description = "Decide whether some pair meets t (cosine t in [0, 1]; inner product or Hamming distance t an integer in [0, l]); exact decimal." };
        var gamma = new Option<string?>("--gamma") { Description = "Accept any pair within factor gamma >= 1 of the optimum." };
        var format = CommonOptions.Format();
        var dense = new Option<bool>("--dense") { Description = "Read the input as dense float vectors even if it is 0/1." };
        var binary = new Option<bool>("--binary") { Description = "Read the input as binary vectors (every entry must be 0 or 1)." };
        var all = new Option<bool>("--all") { Description = "With --threshold (or ov): stream every pair meeting it, in (i, j) order." };
        var limit = new Option<long?>("--limit") { Description = "With --all: stop after this many pairs." };
        var output = new Option<string?>("--output", "-o") { Description = "With --all: write the pairs to this .csv or .npy file instead of stdout (.npy: (k, 2) int64 indices, scores beside them in NAME.scores.npy)." };
        var top = new Option<int?>("--top", "-k") { Description = "Report the K best pairs, best first (for the K nearest of each query, see 'subquad search')." };
        var packed = VectorInputs.Packed();
        var packedDim = VectorInputs.PackedDim();
        var mmap = VectorInputs.Mmap();
        var noMmap = VectorInputs.NoMmap();
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all cores)." };
        var noPruning = new Option<bool>("--no-pruning") { Description = "Switch off exact pruning (same answer; for testing and benchmarks)." };
        var check = new Option<bool>("--check") { Description = "Verify the answer with the brute-force oracle (O(n^2 l))." };
        var cluster = new Option<string?>("--cluster") { Description = "Run on an Orleans cluster: its Redis HOST:PORT, or local for a one-process cluster (docs/cluster.md)." };
        var device = DeviceChoice.Option();
        var force = OutputFiles.Force();

        var command = new Command("solve", "Solve MSD, LSD, Max-IP, Min-IP, OV or Min-/Max-Hamming exactly on a file of vectors.");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { against, problem, threshold, gamma, format, dense, binary, packed, packedDim, mmap, noMmap, all, limit, output, top, threads, noPruning, check, cluster, device, force })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var request = Parse(
                parse.GetValue(file)!, parse.GetValue(against), parse.GetValue(problem)!, parse.GetValue(threshold), parse.GetValue(gamma),
                parse.GetValue(format), parse.GetValue(dense), parse.GetValue(binary), parse.GetValue(all), parse.GetValue(limit),
                parse.GetValue(output), parse.GetValue(top), parse.GetValue(threads), !parse.GetValue(noPruning), parse.GetValue(check))
                with
                {
                    PackedDim = VectorInputs.PackedDimensions(parse.GetValue(packed), parse.GetValue(packedDim), parse.GetValue(dense)),
                    Mapping = VectorInputs.Mapping(parse.GetValue(mmap), parse.GetValue(noMmap)),
                };
            DeviceName.Value = parse.GetValue(device);
            if (request.OutputFile is not null) OutputFiles.RefuseExisting(request.OutputFile, parse.GetValue(force));
            using var signals = CancelSignals.Listen(); // SIGINT and SIGTERM: stop at the next check, flush, keep the pairs
            if (parse.GetValue(cluster) is string target) return signals.Map(ClusterCommand.Solve(io, request, target, signals.Token));
            return signals.Map(Run(io, request, signals.Token));
        });
        command.WithExamples(
            "subquad solve docs.npy --problem msd --top 5",
            "subquad solve a.npy --against b.npy --problem maxip --threshold 12 --all -o pairs.npy",
            "subquad solve codes.npy --packed --dim 256 --problem minhamming --threshold 3 --all -o near.csv");
        return command;
    }

    /// <summary>Checks the option combination; every mistake is a one-line <see cref="UsageException"/>.</summary>
    internal static Request Parse(string file, string? against, string problemName, string? thresholdText, string? gammaText, OutputFormat format,
        bool dense, bool binary, bool all, long? limit, string? output, int? top, int? threads, bool pruning, bool check)
    {
        if (!ProblemKinds.TryParse(problemName, out var kind)) throw new UsageException($"--problem {problemName}: expected {ProblemKinds.Names}");
        if (kind.IsHamming() && dense) throw new UsageException($"--dense: {kind.PaperName()} is defined on binary vectors (drop --dense)");
        if (dense && binary) throw new UsageException("--dense and --binary exclude each other");
        if (thresholdText is not null && gammaText is not null) throw new UsageException("--threshold and --gamma exclude each other: a threshold problem is a decision, a gamma problem asks for a pair");
        if (kind == ProblemKind.Ov && thresholdText is not null) throw new UsageException("--threshold: OV takes no threshold (it asks for inner product 0; use --problem minip --threshold t)");
        if (kind == ProblemKind.Ov && gammaText is not null) throw new UsageException("--gamma: OV is a decision problem and has no gamma version");
        if (top is not null && (all || thresholdText is not null || gammaText is not null)) throw new UsageException("--top K lists the K best pairs; it does not combine with --all, --threshold or --gamma");
        if (top is < 1) throw new UsageException($"--top {top}: K must be at least 1");
        if (all && thresholdText is null && kind != ProblemKind.Ov) throw new UsageException("--all needs --threshold t (or --problem ov): it lists every pair meeting a threshold");
        if (limit is not null && !all) throw new UsageException("--limit only applies to --all");
        if (limit is < 1) throw new UsageException($"--limit {limit}: must be at least 1");
        if (output is not null && !all) throw new UsageException("-o only applies to --all (the pairs file); redirect stdout for the answer");
        if (threads is < 1) throw new UsageException($"--threads {threads}: must be at least 1");
        if (output is not null)
        {
            string full = Path.GetFullPath(output);
            foreach (var input in new[] { file, against }.Where(p => p is not null))
            {
                if (string.Equals(full, Path.GetFullPath(input!), StringComparison.Ordinal) || string.Equals(full, RowNamesSidecar.PathFor(input!), StringComparison.Ordinal)
                    || (Path.GetExtension(output).Equals(".npy", StringComparison.OrdinalIgnoreCase) && string.Equals(PairSink.ScoresPathFor(output), Path.GetFullPath(input!), StringComparison.Ordinal)))
                {
                    throw new UsageException($"-o {output} is an input file; refusing to overwrite it");
                }
            }
        }

        if (!Problem.TryCreate(kind, thresholdText, gammaText, out var problem, out var problemError)) throw new UsageException("--" + problemError);

        return new Request
        {
            File = file,
            Against = against,
            Problem = problem,
            Format = format,
            Kind = dense ? VectorKind.Dense : binary ? VectorKind.Binary : null,
            All = all,
            Limit = limit,
            OutputFile = output,
            Top = top,
            Threads = threads,
            Pruning = pruning,
            Check = check,
        };
    }

    /// <summary>The --device choice of this invocation (set by the action; tests calling <see cref="Run"/> get the CPU).</summary>
    private static readonly AsyncLocal<string?> DeviceName = new();

    /// <summary>The exact solver for this invocation's device (<see cref="DeviceChoice"/>).</summary>
    private static readonly AsyncLocal<ExactRunner?> Exact = new();

    private static ExactRunner ExactSolver => Exact.Value ?? ExactRunner.Cpu;

    /// <summary>Loads, solves, prints; returns the exit code. Cancellation returns 130 after flushing partial output.</summary>
    internal static int Run(CliIO io, Request request, CancellationToken cancellationToken)
    {
        var a = VectorInputs.Read(io, request.File, request.Kind, request.PackedDim, request.Mapping);
        var instance = request.Against is null
            ? SimilarityInstance.Monochromatic(a)
            : SimilarityInstance.Bichromatic(a, VectorInputs.Read(io, request.Against, request.Kind ?? (a.IsBinary ? null : VectorKind.Dense), request.PackedDim, request.Mapping));
        instance.Validate(request.Problem);
        Exact.Value = DeviceChoice.Runner(DeviceName.Value ?? "cpu", instance);

        try
        {
            SolveReport report = ProgressDisplay.Run(io, "solving " + request.Problem, progress =>
            {
                var options = new SolveOptions
                {
                    Progress = progress,
                    CancellationToken = cancellationToken,
                    Threads = request.Threads,
                    Pruning = request.Pruning,
                };
                return request.All ? RunAll(io, request, instance, options)
                    : request.Top is { } k ? RunTop(request, instance, k, options)
                    : RunOne(request, instance, options);
            });

            report = report with
            {
                InputDtype = VectorInputs.Dtype(request.File, request.PackedDim),
                AgainstDtype = request.Against is null ? null : VectorInputs.Dtype(request.Against, request.PackedDim),
            };
            if (!request.All || request.OutputFile is not null || request.Format == OutputFormat.Table)
            {
                AnswerPrinter.Print(io, report, request.Format);
            }
            else
            {
                io.Error.WriteLine($"{report.PairsWritten} pairs{(report.Check is null ? "" : ", check: " + report.Check)}");
            }

            if (report.Check is not null && report.Check != "ok")
            {
                io.Error.WriteLine($"error: the oracle disagrees with the solver: {report.Check}");
                return ExitCodes.Internal;
            }

            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            io.Out.Flush();
            io.Error.WriteLine(request.All
                ? $"cancelled; the pairs found so far were written{(request.OutputFile is null ? "" : " to " + AtomicFile.PartialPathFor(Path.GetFullPath(request.OutputFile)))}"
                : "cancelled");
            return ExitCodes.Cancelled;
        }
    }

    private static SolveReport RunOne(Request request, SimilarityInstance instance, SolveOptions options)
    {
        var clock = Stopwatch.StartNew();
        var answer = ExactSolver.Solve(instance, request.Problem, options);
        clock.Stop();
        string? check = null;
        if (request.Check)
        {
            var verdict = Verifier.Verify(instance, request.Problem, answer, ExactSolvers.Oracle);
            check = verdict.IsValid ? "ok" : verdict.Reason;
        }

        return new SolveReport { Problem = request.Problem, Instance = instance, Answers = [answer], Check = check, Seconds = clock.Elapsed.TotalSeconds, Solver = ExactSolver.Name };
    }

    private static SolveReport RunTop(Request request, SimilarityInstance instance, int k, SolveOptions options)
    {
        var clock = Stopwatch.StartNew();
        var answers = ExactSolver.TopPairs(instance, request.Problem.Kind, k, options);
        clock.Stop();
        string? check = null;
        if (request.Check)
        {
            var truth = BruteForce.TopPairs(instance, request.Problem.Kind, k, options.CancellationToken);
            check = SamePairs(answers, truth, instance.IsBinary ? request.Problem.Kind : null);
        }

        var problem = answers.Count > 0 ? answers[0].Problem : request.Problem;
        return new SolveReport { Problem = problem, Instance = instance, Answers = answers, Mode = "top", Check = check, Seconds = clock.Elapsed.TotalSeconds, Solver = ExactSolver.Name };
    }

    private static SolveReport RunAll(CliIO io, Request request, SimilarityInstance instance, SolveOptions options)
    {
        var clock = Stopwatch.StartNew();
        var delivered = request.Check ? new List<Answer>() : null;
        long limit = request.Limit ?? long.MaxValue;
        long written;
        using (var sink = PairSink.Create(io, request.OutputFile, request.Format))
        {
            ExactSolver.PairsMeeting(instance, request.Problem, pair =>
            {
                sink.Add(PairRow.From(instance, pair));
                delivered?.Add(pair);
                return sink.Count < limit;
            }, options);
            sink.Complete(); // reached only when every pair (or the --limit) was written; a cancellation throws past it
            written = sink.Count;
        }

        clock.Stop();
        string? check = null;
        if (delivered is not null)
        {
            var truth = BruteForce.PairsMeeting(instance, request.Problem, options.CancellationToken).Take((int)Math.Min(limit, int.MaxValue)).ToList();
            check = SamePairs(delivered, truth, instance.IsBinary ? request.Problem.Kind : null);
        }

        return new SolveReport
        {
            Problem = request.Problem,
            Instance = instance,
            Answers = [],
            Mode = "all",
            PairsWritten = written,
            PairsFile = request.OutputFile,
            ScoresFile = request.OutputFile is { } o && Path.GetExtension(o).Equals(".npy", StringComparison.OrdinalIgnoreCase) ? PairSink.ScoresPathFor(o) : null,
            Check = check,
            Seconds = clock.Elapsed.TotalSeconds,
            Solver = ExactSolver.Name,
        };
    }

    /// <summary>"ok" when the solver's pairs equal the oracle's (same order, same scores), else the first difference.</summary>
    internal static string SamePairs(IReadOnlyList<Answer> actual, IReadOnlyList<Answer> expected, ProblemKind? exactKind)
    {
        if (actual.Count != expected.Count) return string.Create(CultureInfo.InvariantCulture, $"{actual.Count} pairs, but the oracle finds {expected.Count}");
        for (int r = 0; r < actual.Count; r++)
        {
            var x = actual[r];
            var y = expected[r];
            bool sameScore = exactKind is { } kind ? ScoreOrder.CompareValues(kind, x.Score, y.Score) == 0 : Math.Abs(x.Score.Value - y.Score.Value) <= 1e-9 * Math.Max(1, Math.Abs(y.Score.Value));
            if (x.I != y.I || x.J != y.J || !sameScore)
            {
                return string.Create(CultureInfo.InvariantCulture, $"pair {r + 1} is ({x.I}, {x.J}) score {x.Score.Value:G9}, the oracle's is ({y.I}, {y.J}) score {y.Score.Value:G9}");
            }
        }

        return "ok";
    }

}
