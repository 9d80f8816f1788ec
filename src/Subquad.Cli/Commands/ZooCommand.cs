using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Subquad.Core;
using Subquad.Lab.Zoo;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad zoo -o DIR [--quick]</c>: trains attention, sliding-window attention, Based, Mamba and gated DeltaNet on
/// the paper's problems as sequence tasks and writes DIR/report.md, results.json, results.csv and plots/. Finished runs
/// are logged to DIR/runs.jsonl as they end: Ctrl-C keeps them and the same command resumes.
/// </summary>
internal static class ZooCommand
{
    public static Command Create(CliIO io)
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for experiment.json, runs.jsonl, results.json/csv, report.md and plots/.", Required = true };
        var quick = new Option<bool>("--quick") { Description = "The reduced sweep (attention and Mamba, OV partner recall, n = 16 and 64, widths 32 and 128, one seed): under 10 minutes on 2 cores." };
        var full = new Option<bool>("--full") { Description = "The issue's grid: every learning rate at every n and width 16 too (1,080 runs; several times the default's hours)." };
        var experimentFile = new Option<FileInfo?>("--experiment") { Description = "Experiment as JSON (see docs/learn.md); flags below override its fields." };
        var sizes = new Option<string?>("--sizes") { Description = "Comma-separated n, e.g. 16,32,64." };
        var mixers = new Option<string?>("--mixers") { Description = "Comma-separated: attention, window, based, mamba, deltanet." };
        var widths = new Option<string?>("--widths") { Description = "Comma-separated model widths." };
        var families = new Option<string?>("--families") { Description = "Comma-separated: ov, lsd, msd." };
        var tasks = new Option<string?>("--tasks") { Description = "Comma-separated: partner-recall, decision." };
        var steps = new Option<int?>("--steps") { Description = "Training steps per run." };
        var seeds = new Option<string?>("--seeds") { Description = "Comma-separated model seeds, e.g. 1,2,3." };
        var tokens = new Option<int?>("--tokens-per-step") { Description = "Labelled tokens per training step (max(1, tokens / n) sequences at the run's n)." };
        var threads = new Option<int?>("--threads") { Description = "Threads in all (default 2)." };
        var jobs = new Option<int?>("--jobs") { Description = "Runs trained at the same time, each with threads / jobs op threads (the default sweep uses 2 on 2 threads); the rows do not depend on it." };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty folder that is not this experiment's." };
        var format = CommonOptions.Format();
        var command = new Command("zoo", "Train attention, Mamba, linear attention and friends on the paper's problems; accuracy against state size (Zoology-style).");
        foreach (var option in new Option[] { output, quick, full, experimentFile, sizes, mixers, widths, families, tasks, steps, seeds, tokens, threads, jobs, force, format }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            ZooExperiment experiment;
            if (parse.GetValue(experimentFile) is { } file)
            {
                // A syntax error names the file and line (FromJson); a field out of range names the file and the field.
                experiment = ZooExperiment.FromJson(File.ReadAllText(file.FullName), file.FullName);
                try
                {
                    experiment.Validate();
                }
                catch (ArgumentException e)
                {
                    throw new InputException(file.FullName, null, e.Message);
                }
            }
            else
            {
                if (parse.GetValue(quick) && parse.GetValue(full)) throw new UsageException("--quick and --full exclude each other");
                experiment = parse.GetValue(quick) ? ZooExperiment.Quick : parse.GetValue(full) ? ZooExperiment.Full : ZooExperiment.Default;
            }

            if (parse.GetValue(sizes) is { } s)
            {
                // The lr search moves to the smallest size given (the default searches at its smallest n too).
                var given = Ints(s, "--sizes");
                experiment = experiment with { Sizes = given, LrSearchSizes = experiment.LrSearchSizes is null ? null : [given.Min()] };
            }

            if (parse.GetValue(widths) is { } w) experiment = experiment with { Widths = Ints(w, "--widths") };
            if (parse.GetValue(mixers) is { } m) experiment = experiment with { Mixers = List(m, "--mixers") };
            if (parse.GetValue(families) is { } f) experiment = experiment with { Families = List(f, "--families") };
            if (parse.GetValue(tasks) is { } t) experiment = experiment with { Tasks = List(t, "--tasks") };
            if (parse.GetValue(steps) is { } st) experiment = experiment with { Steps = st };
            if (parse.GetValue(seeds) is { } sd) experiment = experiment with { Seeds = Ints(sd, "--seeds") };
            if (parse.GetValue(tokens) is { } tk) experiment = experiment with { TokensPerStep = tk };
            if (parse.GetValue(threads) is { } th) experiment = experiment with { Threads = th };
            if (parse.GetValue(jobs) is { } jb) experiment = experiment with { Jobs = jb };
            try
            {
                experiment.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            string directory = parse.GetValue(output)!;
            try
            {
                ZooOutput.Prepare(directory, experiment, parse.GetValue(force));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            return Run(io, experiment, directory, parse.GetValue(format));
        });
        command.WithExamples(
            "subquad zoo -o zoo/ --quick",
            "subquad zoo -o zoo/ --mixers attention,mamba,based --sizes 16,32,64 --tasks partner-recall --steps 400",
            "subquad zoo -o zoo/ --experiment zoo.json --format csv");
        return command;
    }

    private static List<string> List(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (items.Count == 0) throw new UsageException($"{option}: the list is empty");
        return items;
    }

    private static List<int> Ints(string text, string option) =>
        List(text, option).Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new UsageException($"{option}: \"{v}\" is not a positive integer")).ToList();

    private static int Run(CliIO io, ZooExperiment experiment, string directory, OutputFormat format)
    {
        var runner = new ZooRunner(experiment, directory);
        // SIGINT (Ctrl-C) and SIGTERM: stop after the current training step; finished runs are already in runs.jsonl (exit 130 / 143).
        using var cancel = CancelSignals.Listen();
        ZooResult result;
        if (io.Interactive)
        {
            result = null!;
            io.ErrorConsole.Progress().Start(context =>
            {
                var task = context.AddTask("zoo");
                result = runner.Run(new Reporter(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = Markup.Escape(p.Stage);
                }), cancel.Token);
            });
        }
        else
        {
            string last = "";
            result = runner.Run(new Reporter(p =>
            {
                // Plain progress: one line per run start and end (not per step).
                if (p.Stage.Contains(": step", StringComparison.Ordinal) || p.Stage == last) return;
                last = p.Stage;
                io.Error.WriteLine($"[{p.Done}/{p.Total}] {p.Stage}");
            }), cancel.Token);
        }

        string report = ZooOutput.Write(result, directory);
        switch (format)
        {
            case OutputFormat.Json:
                io.Out.WriteLine(JsonSerializer.Serialize(new { schema = ZooOutput.Schema, report, completed = result.Completed, rows = result.Rows, controls = result.Controls, skipped = result.Skipped }, ZooExperiment.JsonOptions));
                break;
            case OutputFormat.Csv:
                io.Out.Write(ZooOutput.Csv(result.Rows));
                break;
            default:
                var table = new Table().Title(Markup.Escape("zoo: selected runs (best lr on validation); accuracy on held-out labelled tokens, Wilson 95%"));
                foreach (string c in new[] { "task", "n", "mixer", "width", "state bits", "accuracy [95% CI]", "train s" }) table.AddColumn(Markup.Escape(c));
                foreach (var r in result.Rows.Where(r => r.Selected).OrderBy(r => r.Task).ThenBy(r => r.N).ThenBy(r => r.Mixer).ThenBy(r => r.Width))
                {
                    table.AddRow(Markup.Escape($"{r.Task}/{r.Family}"), r.N.ToString(CultureInfo.InvariantCulture), r.Mixer, r.Width.ToString(CultureInfo.InvariantCulture),
                        r.StateBits.ToString(CultureInfo.InvariantCulture), Markup.Escape(ZooReport.Format(r.Accuracy)), (r.TrainTimeMs / 1000).ToString("F0", CultureInfo.InvariantCulture));
                }

                io.Console.Write(table);
                foreach (string line in result.Skipped) io.Console.MarkupLine($"[yellow]skipped:[/] {Markup.Escape(line)}");
                io.Console.MarkupLine(CultureInfo.InvariantCulture, $"{result.Rows.Count} runs; {result.ElapsedSeconds:F0} s; report: {Markup.Escape(report)}");
                break;
        }

        if (!result.Completed) io.Error.WriteLine($"cancelled: kept the {result.Rows.Count} finished runs in {directory}; the same command resumes");
        return result.Completed ? ExitCodes.Ok : cancel.CancelledExitCode;
    }

    private sealed class Reporter(Action<ZooProgress> report) : IProgress<ZooProgress>
    {
        public void Report(ZooProgress value) => report(value);
    }
}
