using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Subquad.Lab.Analysis;
using Subquad.Lab.Duel;
using Subquad.Lab.Reports;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad duel -o DIR</c>: runs the transformer, the exact engine and the subquadratic alternatives on the same
/// instances (an experiment from <c>--experiment FILE.json</c>, the built-in small default, and flags on top), and writes
/// DIR/report.md (tables and plots), DIR/results.json and DIR/results.csv. Ctrl-C writes what finished. A non-empty
/// DIR that is not a previous duel's output is refused without <c>--force</c>.
/// </summary>
internal static class DuelCommand
{
    public static Command Create(CliIO io)
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for report.md, results.json, results.csv and plots/.", Required = true };
        var experimentFile = new Option<FileInfo?>("--experiment") { Description = "Experiment as JSON (see docs/duel.md); flags below override its fields." };
        var problem = new Option<string?>("--problem") { Description = "ov | lsd | minip | maxip | msd (default ov)." };
        var threshold = new Option<string?>("--threshold") { Description = "Threshold t for the threshold problems (exact decimal)." };
        var bichromatic = new Option<bool>("--bichromatic") { Description = "A x B instances, n/2 documents per side." };
        var families = new Option<string?>("--families") { Description = "Comma-separated: random, planted, critical, sat." };
        var sizes = new Option<string?>("--sizes") { Description = "Comma-separated sizes n (powers of two), e.g. 64,128,256." };
        var mixers = new Option<string?>("--mixers") { Description = "Comma-separated contenders: window, lsh, performer, linformer, clustered, taylor, onepass, mamba." };
        var trials = new Option<int?>("--trials") { Description = "Instances per (family, n)." };
        var seed = new Option<int?>("--seed") { Description = "Master seed (rows are reproducible from it)." };
        var target = new Option<double?>("--target") { Description = "Accuracy a budget must reach (default 0.99)." };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty folder that is not a previous duel's output." };
        var factors = new Option<string?>("--dimension-factors") { Description = "Comma-separated c values for l = c log2 n, e.g. 2,4,8 (a sweep)." };
        var cap = new Option<double?>("--cap-exponent") { Description = "Ladders stop before a rung costing more than full attention x n^(cap - 2); default 1.5 (subquadratic)." };
        var saveInstances = new Option<string?>("--save-instances") { Description = "Folder for every drawn instance as .npy plus manifest.json (family, n, l, seed, truth)." };
        var noConfirm = new Option<bool>("--no-confirm") { Description = "Do not confirm a rung that reached the target on a fresh batch (the report says so)." };
        var jobs = new Option<int?>("--jobs", "-j") { Description = "Cells run at once, each on one thread (default: the machine's cores; 1 runs cells one after another with all cores in each exact attention). Only the times change." };
        var format = CommonOptions.Format();
        var command = new Command("duel", "Duel the transformer against subquadratic alternatives: accuracy, the budget each needs for 99%, and the time exponent it implies.");
        foreach (var option in new Option[] { output, experimentFile, problem, threshold, bichromatic, families, sizes, mixers, trials, seed, target, force, factors, cap, saveInstances, noConfirm, jobs, format }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var experiment = parse.GetValue(experimentFile) is { } file
                ? DuelExperiment.FromJson(File.ReadAllText(file.FullName), file.FullName)
                : DuelExperiment.Default;
            if (parse.GetValue(problem) is { } p) experiment = experiment with { Problem = p, Threshold = parse.GetValue(threshold), Problems = null };
            else if (parse.GetValue(threshold) is { } t) experiment = experiment with { Threshold = t, Problems = null };
            if (parse.GetValue(bichromatic)) experiment = experiment with { Bichromatic = true };
            if (parse.GetValue(families) is { } f) experiment = experiment with { Families = List(f, "--families").Select(kind => experiment.Families.FirstOrDefault(x => x.Kind == kind) ?? new FamilySpec { Kind = kind }).ToList() };
            if (parse.GetValue(sizes) is { } s) experiment = experiment with { Sizes = List(s, "--sizes").Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new UsageException($"--sizes: \"{v}\" is not a positive integer")).ToList() };
            if (parse.GetValue(mixers) is { } m) experiment = experiment with { Mixers = List(m, "--mixers").Select(kind => experiment.Mixers.FirstOrDefault(x => x.Kind == kind) ?? new MixerSpec { Kind = kind }).ToList() };
            if (parse.GetValue(trials) is { } tr) experiment = experiment with { Trials = tr };
            if (parse.GetValue(seed) is { } sd) experiment = experiment with { Seed = sd };
            if (parse.GetValue(target) is { } tg) experiment = experiment with { TargetAccuracy = tg };
            if (parse.GetValue(factors) is { } fs) experiment = experiment with { DimensionFactors = List(fs, "--dimension-factors").Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double c) && c > 0 ? c : throw new UsageException($"--dimension-factors: \"{v}\" is not a positive number")).ToList() };
            if (parse.GetValue(cap) is { } cx) experiment = experiment with { CapExponent = cx };
            if (parse.GetValue(noConfirm)) experiment = experiment with { Confirm = false };
            experiment.Validate();
            string directory = parse.GetValue(output)!;
            DuelOutput.EnsureWritable(directory, parse.GetValue(force));
            int cellJobs = parse.GetValue(jobs) ?? Environment.ProcessorCount;
            if (cellJobs < 1) throw new UsageException($"--jobs: {cellJobs} is not a positive number of cells at once");
            return Run(io, experiment, directory, parse.GetValue(format), parse.GetValue(saveInstances), cellJobs);
        });
        problem.Aliases.Add("-p"); // -p and -t mean --problem and --threshold in every verb
        threshold.Aliases.Add("-t");
        command.WithExamples(
            "subquad duel -o duel/ -p ov --families random,planted --sizes 64,128,256",
            "subquad duel -o duel/ --sizes 128,256 --trials 40 --target 0.9",
            "subquad duel -o duel/ --experiment experiment.json --format json");
        return command;
    }

    private static List<string> List(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (items.Count == 0) throw new UsageException($"{option}: the list is empty");
        return items;
    }

    private static int Run(CliIO io, DuelExperiment experiment, string directory, OutputFormat format, string? saveInstances, int jobs)
    {
        // Resume: a previous run of the same experiment in this folder keeps its finished cells.
        var checkpoint = DuelOutput.ReadCheckpoint(directory, experiment);
        var (previousRows, previousCells) = (checkpoint.Rows, checkpoint.Cells);
        if (previousCells.Count > 0) io.Error.WriteLine($"resuming: {previousCells.Count} finished (family, n) cells in {directory} are kept");
        var archive = saveInstances is null ? null : new InstanceArchive(saveInstances);
        var runner = new DuelRunner(experiment)
        {
            Resume = previousRows,
            ResumeCells = previousCells,
            ResumeRecords = checkpoint,
            CellFinished = partial => DuelOutput.Write(partial, directory),
            InstanceDrawn = archive is null ? null : archive.Save,
            Jobs = jobs,
        };
        runner.Preflight(); // refusals (unbalanceable family, budget above the cap) before any long work
        // SIGINT (Ctrl-C) and SIGTERM: finish the current instance, then write what is done (exit 130 / 143).
        using var cancel = CancelSignals.Listen();
        DuelResult result;
        if (io.Interactive)
        {
            result = null!;
            io.ErrorConsole.Progress().Start(context =>
            {
                var task = context.AddTask("duel");
                result = runner.Run(new Reporter(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                    task.Description = Markup.Escape(p.Stage);
                }), cancel.Token);
            });
        }
        else
        {
            // stderr is a log, not a terminal: one plain line per finished stage, the cell's time on its last stage,
            // elapsed and an ETA (cells weighted by n^1.5).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            result = runner.Run(new Reporter(p => io.Error.WriteLine(p.Line(clock.Elapsed, DateTime.UtcNow))), cancel.Token);
        }

        archive?.Flush();
        string report = DuelOutput.Write(result, directory);
        var summary = DuelSummary.From(result);
        switch (format)
        {
            case OutputFormat.Json:
                io.Out.WriteLine(File.ReadAllText(Path.Combine(directory, "results.json")));
                break;
            case OutputFormat.Csv:
                io.Out.Write(DuelOutput.Csv(result.Rows));
                break;
            default:
                PrintTable(io, result, summary, report);
                break;
        }

        if (!result.Completed) io.Error.WriteLine($"cancelled: wrote the {result.Rows.Count} finished rows to {directory}");
        return result.Completed ? ExitCodes.Ok : cancel.CancelledExitCode;
    }

    internal static void PrintTable(CliIO io, DuelResult result, DuelSummary summary, string report)
    {
        var e = result.Experiment;
        var sizes = e.Sizes.OrderBy(n => n).ToList();
        var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{e.ProblemsTitle}: budget each contender needed for balanced accuracy >= {e.TargetAccuracy:0.###} (95% Wilson lower bound{(e.Confirm ? ", confirmed on a fresh batch" : "")}; \"> B\": not reached up to B, \"cap\": stopped by the n^{e.CapExponent} cost cap); {e.Trials} instances per cell")));
        table.AddColumn("family");
        table.AddColumn("contender");
        foreach (int n in sizes) table.AddColumn(new TableColumn($"n={n}").RightAligned());
        table.AddColumn(new TableColumn("flops exponent").RightAligned());
        foreach (string family in summary.Cells.Select(c => c.Family).Distinct())
        {
            foreach (string kind in DuelSummary.ReferenceKinds)
            {
                var cells = summary.Cells.Where(c => c.Family == family && c.Kind == kind && c.Batch == 0).ToDictionary(c => c.N);
                if (cells.Count == 0) continue;
                var fit = summary.FitFor(family, kind, "flops");
                table.AddRow([Markup.Escape(family), Markup.Escape(kind), .. sizes.Select(n => cells.TryGetValue(n, out var c) ? Markup.Escape(c.Accuracy.ToString()) : "-"), fit is null ? "-" : fit.Fit.Slope.ToString("F2", CultureInfo.InvariantCulture)]);
            }

            foreach (string kind in DuelSummary.LadderKinds)
            {
                var byN = summary.Requirements.Where(r => r.Family == family && r.Kind == kind).ToDictionary(r => r.N);
                if (byN.Count == 0) continue;
                var fit = summary.FitFor(family, kind, "flops at target");
                table.AddRow([Markup.Escape(family), Markup.Escape(kind), .. sizes.Select(n => !byN.TryGetValue(n, out var r) ? "-" : r.Budget is { } b ? b.ToString(CultureInfo.InvariantCulture) + (r.FullAttention ? " (full)" : "") : Markup.Escape($"> {r.LargestTried}{(r.HitCap ? " cap" : "")} ({r.Best})")), fit is null ? "-" : fit.Fit.Slope.ToString("F2", CultureInfo.InvariantCulture)]);
            }
        }

        io.Console.Write(table);
        foreach (var info in result.CellInfos.Where(c => c.Control)) io.Console.MarkupLine(CultureInfo.InvariantCulture, $"[yellow]control:[/] {Markup.Escape(info.Family)} at n = {info.N} is yes on {info.Yes}/{info.Trials}: an easy family, reported but not fitted");
        foreach (var hit in result.CapHits.Where(c => !summary.Cells.Any(x => x.Family == c.Family && x.N == c.N && x.Kind == c.Kind))) io.Console.MarkupLine(CultureInfo.InvariantCulture, $"[yellow]cap:[/] {Markup.Escape(hit.Kind)} on {Markup.Escape(hit.Family)} at n = {hit.N}: even budget {hit.NextBudget} costs more than the subquadratic cap (raise --cap-exponent to see it)");
        foreach (string line in result.Skipped) io.Console.MarkupLine($"[yellow]skipped:[/] {Markup.Escape(line)}");
        io.Console.MarkupLine(CultureInfo.InvariantCulture, $"{result.Rows.Count} rows in {result.ElapsedSeconds:F1} s; report: {Markup.Escape(report)}");
    }

    private sealed class Reporter(Action<DuelProgress> report) : IProgress<DuelProgress>
    {
        public void Report(DuelProgress value) => report(value);
    }
}
