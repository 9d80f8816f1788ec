using System.CommandLine;
using System.Globalization;
using System.Text;
using Subquad.Cli.Output;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Sat;
using Subquad.Lab.Transformers;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad sat FILE.cnf</c>: decides a CNF formula through split and list and a chain of the paper's reductions,
/// printing the answer like a SAT solver (<c>s</c>/<c>v</c> lines, exit 10 or 20) and each stage's size and time as
/// <c>c</c> lines.
/// </summary>
internal static class SatCommand
{
    public static Command Create(CliIO io)
    {
        var file = new Argument<string>("file") { Description = "DIMACS CNF file (SATLIB files with the % trailer are fine; .cnf.gz is gunzipped; - reads standard input)." };
        var via = new Option<string>("--via") { Description = "Chain: ov (bichromatic OV), lsd (Lemma A.4 + Thm 3.1), bmaxip (A.4 + Lemma A.13), bmsd (A.4 + Thm 1.3 = A.13 + B.5), transformer (Cor 3.2: bichromatic LSD_0 decided by the one-head transformer of Thm C.2, which also names the pair), transformer-mono (A.4 + monochromatic LSD_0 by the transformer).", DefaultValueFactory = _ => "ov" };
        via.AcceptOnlyFromAmong([.. SatChain.All.Select(c => c.Name), "transformer", "transformer-mono"]);
        var runtime = new Option<string>("--runtime") { Description = "With --via transformer: own (Subquad's attention engine) or onnx (the exported graph in ONNX Runtime).", DefaultValueFactory = _ => "own" };
        runtime.AcceptOnlyFromAmong("own", "onnx");
        var solver = new Option<string>("--solver") { Description = "Bottom solver: engine (the fastest exact solver) or oracle (brute force).", DefaultValueFactory = _ => "engine" };
        solver.AcceptOnlyFromAmong("engine", "oracle");
        var gamma = new Option<string>("--gamma") { Description = "gamma >= 1 for the lsd chain's gamma-LSD call (Thm 3.1).", DefaultValueFactory = _ => "1" };
        var lenient = new Option<bool>("--lenient") { Description = "Header count disagreements, a missing header or a last clause without 0 become warnings." };
        var memory = new Option<double>("--max-memory-gib") { Description = "Memory budget for the split-and-list halves, GiB.", DefaultValueFactory = _ => 2.0 };
        var format = CommonOptions.Format();
        var command = new Command("sat", "Decide a CNF formula through Williams' split and list and the paper's reductions; prints s/v lines, exit 10 (SAT) or 20 (UNSAT).");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { via, solver, runtime, gamma, lenient, memory, format }) command.Options.Add(option);
        command.WithExamples(
            "subquad sat uf20-01.cnf",
            "subquad sat - --via bmsd < f.cnf",
            "subquad sat f.cnf.gz --via transformer --format json");
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (!Rational.TryParse(parse.GetValue(gamma)!, out var g) || g.CompareTo(Rational.FromInteger(1)) < 0)
            {
                throw new UsageException($"--gamma {parse.GetValue(gamma)}: gamma must be a number >= 1");
            }

            double gib = parse.GetValue(memory);
            if (!(gib > 0)) throw new UsageException($"--max-memory-gib {gib}: must be positive");
            string route = parse.GetValue(via)!;
            var chain = route switch
            {
                "lsd" => SatChain.Lsd(g),
                "transformer" => SatChain.LsdZero,
                "transformer-mono" => SatChain.LsdZeroMonochromatic,
                _ => SatChain.Find(route)!,
            };
            ISimilaritySolver bottom = route.StartsWith("transformer", StringComparison.Ordinal)
                ? new TransformerSolver(parse.GetValue(runtime) == "onnx" ? Subquad.Models.Runtimes.OnnxTransformerRuntime.Float64 : null)
                : parse.GetValue(solver) == "oracle" ? ExactSolvers.Oracle : ExactSolvers.Default;
            var readOptions = new DimacsReadOptions { Lenient = parse.GetValue(lenient) };
            var document = path == "-" ? DimacsReader.Read(io.In, "<stdin>", readOptions) : DimacsReader.ReadFile(path, readOptions);
            var options = new SplitAndListOptions { MemoryBudgetBytes = (long)(gib * (1L << 30)) };
            var fmt = parse.GetValue(format);
            string? refusal = Refusal(document.Formula, route, parse.GetValue(runtime)!, options, path);
            refusal ??= ChainRefusal(document.Formula, chain, bottom, options, path);
            if (refusal is not null) return Unknown(io, path, document, chain, bottom, refusal, fmt);
            return Run(io, path, document, chain, bottom, options, fmt);
        });
        return command;
    }

    /// <summary>
    /// Why the route cannot run within memory, or null: the split-and-list halves over the budget (2^ceil(N/2) +
    /// 2^floor(N/2) padded rows), or, for the ONNX transformer, the n x n attention scores ONNX Runtime materialises
    /// (two float32 n x n buffers for n = both halves' rows) over the budget or this machine's memory. Checked
    /// before anything is built: such a formula is answered s UNKNOWN with the size, as solvers do, not a crash.
    /// </summary>
    internal static string? Refusal(CnfFormula formula, string route, string runtime, SplitAndListOptions options, string path)
    {
        try
        {
            CnfSatToOrthogonalVectors.CheckSize(formula, options, path);
        }
        catch (Subquad.Core.InputException ex)
        {
            return ex.Message;
        }

        if (route.StartsWith("transformer", StringComparison.Ordinal) && runtime == "onnx")
        {
            int n = formula.VariableCount, h = CnfSatToOrthogonalVectors.LeftVariables(n);
            double tokens = Math.Pow(2, h) + Math.Pow(2, n - h);
            double need = 2 * tokens * tokens * sizeof(float);
            long limit = Math.Min(options.MemoryBudgetBytes, Subquad.Core.IO.MemoryBudget.AvailableBytes());
            if (need > limit)
            {
                return Invariant($"the ONNX transformer route attends over {tokens:0} tokens (2^{h} + 2^{n - h} split-and-list rows) and ONNX Runtime holds the {tokens:0} x {tokens:0} attention scores twice in float32: about {need / (1L << 30):F1} GiB, over the {limit / (double)(1L << 30):F1} GiB available (--max-memory-gib and this machine); use --runtime own or --via ov, or a formula with fewer variables");
            }
        }

        return null;
    }

    /// <summary>
    /// The whole chain's estimate over the budget (<see cref="SatDecider.CheckChainSize"/>), as a reason, or null:
    /// that too is a formula too large for the route, answered s UNKNOWN with its size (issue 16), not exit 2.
    /// </summary>
    private static string? ChainRefusal(CnfFormula formula, SatChain chain, ISimilaritySolver bottom, SplitAndListOptions options, string path)
    {
        try
        {
            SatDecider.CheckChainSize(formula, chain, bottom, options, path);
            return null;
        }
        catch (Subquad.Core.InputException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The answer for a refused run: "s UNKNOWN" with the reason on a c line, exit 0 (SAT-competition convention).</summary>
    private static int Unknown(CliIO io, string path, DimacsDocument document, SatChain chain, ISimilaritySolver bottom, string reason, OutputFormat format)
    {
        if (format != OutputFormat.Table)
        {
            Document(path, document, chain, bottom, "unknown", reason, null, null).Write(io.Out, format);
            return ExitCodes.Ok;
        }

        io.Out.WriteLine(Invariant($"c subquad sat: {path}: {document.Formula.VariableCount} variables, {document.Formula.ClauseCount} clauses; chain {chain.Name} ({chain.Target}), solver {bottom.Name}"));
        io.Out.WriteLine("c not run: " + reason);
        io.Out.WriteLine("s UNKNOWN");
        return ExitCodes.Ok;
    }

    /// <summary>subquad.sat/1; the CSV rows are the stages.</summary>
    private static ResultDocument Document(string path, DimacsDocument document, SatChain chain, ISimilaritySolver bottom, string status, string? reason, SatReport? report, IReadOnlyList<bool>? assignment)
    {
        var formula = document.Formula;
        return new ResultDocument("sat", "stages")
            .Add("input", new Record { { "path", path }, { "variables", formula.VariableCount }, { "clauses", formula.ClauseCount }, { "kind", "cnf" }, { "dtype", "dimacs" } })
            .Add("chain", chain.Name)
            .Add("target", chain.Target)
            .Add("solver", bottom.Name)
            .Add("status", status)
            .Add("reason", reason)
            .Add("assignment", assignment?.Select((value, i) => value ? i + 1 : -(i + 1)).ToList())
            .Add("split_and_list_vectors", report?.OvVectors)
            .Add("build_time_ms", report is null ? null : report.BuildSeconds * 1000)
            .Add("solve_time_ms", report is null ? null : report.SolveSeconds * 1000)
            .Add("pairs_scanned", report?.PairsScanned)
            .Add("pairs_per_second", report?.PairsPerSecond)
            .Add("warnings", document.Warnings.ToList())
            .Add("stages", (report?.Stages ?? []).Select(stage => new Record
            {
                { "name", stage.Name },
                { "reference", stage.Reference },
                { "time_ms", stage.Seconds * 1000 },
                { "queries", stage.Queries },
                { "vectors", stage.Vectors },
                { "dimensions", stage.Dimensions },
                { "pairs", stage.Pairs },
            }).ToList());
    }

    private static int Run(CliIO io, string path, DimacsDocument document, SatChain chain, ISimilaritySolver bottom, SplitAndListOptions options, OutputFormat format)
    {
        var formula = document.Formula;
        if (format != OutputFormat.Table)
        {
            var result = SatDecider.Decide(formula, chain, bottom, options, path);
            bool sat = result.Outcome.Satisfiable;
            Document(path, document, chain, bottom, sat ? "satisfiable" : "unsatisfiable", null, result, sat ? result.Outcome.Assignment : null).Write(io.Out, format);
            return sat ? ExitCodes.Satisfiable : ExitCodes.Unsatisfiable;
        }

        var output = io.Out;
        output.WriteLine(Invariant($"c subquad sat: {path}: {formula.VariableCount} variables, {formula.ClauseCount} clauses; chain {chain.Name} ({chain.Target}), solver {bottom.Name}"));
        foreach (var warning in document.Warnings) output.WriteLine("c warning: " + warning);
        var report = SatDecider.Decide(formula, chain, bottom, options, path);
        foreach (var stage in report.Stages)
        {
            var line = new StringBuilder(Invariant($"c stage {stage.Name} ({stage.Reference}): {stage.Seconds:F3} s"));
            if (stage.Queries != 1 || stage.Vectors == 0) line.Append(Invariant($", {stage.Queries} quer{(stage.Queries == 1 ? "y" : "ies")}"));
            if (stage.Vectors > 0) line.Append(Invariant($", {stage.Vectors} vectors, dimension up to {stage.Dimensions}"));
            line.Append(Invariant($", {stage.Pairs} candidate pairs"));
            output.WriteLine(line.ToString());
        }

        output.WriteLine(Invariant($"c split and list built {report.OvVectors} vectors in {report.BuildSeconds:F3} s: {report.VectorsPerSecond:G4} vectors/s"));
        if (report.PairsScanned is long scanned)
        {
            string which = report.Outcome.Satisfiable ? "row-major up to the first witness" : "every pair: no witness";
            output.WriteLine(Invariant($"c solve scanned {scanned} pairs ({which}) in {report.SolveSeconds:F3} s: {report.PairsPerSecond:G4} pairs/s"));
        }
        else
        {
            output.WriteLine(Invariant($"c reductions and solve took {report.SolveSeconds:F3} s"));
        }

        if (!report.Outcome.Satisfiable)
        {
            output.WriteLine("s UNSATISFIABLE");
            return ExitCodes.Unsatisfiable;
        }

        output.WriteLine("c the assignment below was checked against every clause");
        output.WriteLine("s SATISFIABLE");
        var assignment = report.Outcome.Assignment!;
        var v = new StringBuilder("v");
        for (int i = 0; i < assignment.Count; i++)
        {
            string literal = (assignment[i] ? i + 1 : -(i + 1)).ToString(CultureInfo.InvariantCulture);
            if (v.Length + literal.Length + 1 > 78)
            {
                output.WriteLine(v.ToString());
                v.Clear().Append('v');
            }

            v.Append(' ').Append(literal);
        }

        output.WriteLine(v.Append(" 0").ToString());
        return ExitCodes.Satisfiable;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
