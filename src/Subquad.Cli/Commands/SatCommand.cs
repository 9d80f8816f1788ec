using System.CommandLine;
using System.Globalization;
using System.Text;
using Subquad.Cli.Output;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Sat;
using Subquad.Lab.Sat;

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
        var via = new Option<string>("--via") { Description = "Route (SatRoutes): " + string.Join(", ", SatRoutes.All.Select(r => $"{r.Name} ({r.Description}; reads {string.Join(", ", r.Uses.Select(u => "--" + u))})")) + ". An option the route does not read is an error.", DefaultValueFactory = _ => "ov" };
        via.AcceptOnlyFromAmong([.. SatRoutes.All.Select(r => r.Name)]);
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
            var route = SatRoutes.Find(parse.GetValue(via)!)!;
            var given = new (string Name, Option Option)[] { ("solver", solver), ("gamma", gamma), ("runtime", runtime) }
                .Where(o => parse.GetResult(o.Option) is { Implicit: false }).Select(o => o.Name);
            if (SatRoutes.Unused(route, given) is { } unused) throw new UsageException(unused);
            var settings = new SatRouteSettings(g, parse.GetValue(solver) == "oracle", parse.GetValue(runtime)!);
            var chain = route.Chain(settings);
            var bottom = route.Solver(settings);
            var readOptions = new DimacsReadOptions { Lenient = parse.GetValue(lenient) };
            var document = path == "-" ? DimacsReader.Read(io.In, "<stdin>", readOptions) : DimacsReader.ReadFile(path, readOptions);
            var options = new SplitAndListOptions { MemoryBudgetBytes = (long)(gib * (1L << 30)) };
            var fmt = parse.GetValue(format);
            string? refusal = Refusal(document.Formula, chain, bottom, options, path);
            if (refusal is not null) return Unknown(io, path, document, chain, bottom, refusal, fmt);
            return Run(io, path, document, chain, bottom, options, fmt);
        });
        return command;
    }

    /// <summary>
    /// Why the route cannot run within memory, or null: every stage's size (split and list's halves, each reduction's
    /// output, the engine's staging, the transformer's weights and, for ONNX Runtime, its graph copies and n x n
    /// scores; <see cref="SatDecider.EstimateBytes"/>) against --max-memory-gib and the free memory. Checked before
    /// anything is built: such a formula is answered s UNKNOWN with the size, as solvers do, not a crash.
    /// </summary>
    internal static string? Refusal(CnfFormula formula, SatChain chain, ISimilaritySolver bottom, SplitAndListOptions options, string path)
    {
        try
        {
            SatDecider.CheckChainSize(formula, chain, bottom, options, path);
        }
        catch (Subquad.Core.InputException ex)
        {
            return ex.Message;
        }

        return null;
    }

    /// <summary>"X (stage Y, ...)": every stage's size as <see cref="SatDecider.EstimateBytes"/> computes it.</summary>
    private static string MemoryLine(CnfFormula formula, SatChain chain, ISimilaritySolver bottom)
    {
        var stages = SatDecider.EstimateBytes(formula, chain, bottom);
        return Subquad.Core.IO.MemoryBudget.Format(SatDecider.Total(stages)) + " (" + string.Join(", ", stages.Select(s => s.Stage + " " + Subquad.Core.IO.MemoryBudget.Format(s.Bytes))) + ")";
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
            .Add("memory_estimate_bytes", SatDecider.Total(SatDecider.EstimateBytes(formula, chain, bottom)))
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
        output.WriteLine("c memory estimate " + MemoryLine(formula, chain, bottom));
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
