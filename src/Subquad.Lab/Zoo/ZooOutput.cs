using System.Globalization;
using System.Text;
using System.Text.Json;
using Subquad.Core.IO;

namespace Subquad.Lab.Zoo;

/// <summary>
/// Writes a zoo folder: experiment.json, runs.jsonl (by the runner), results.json ("schema": "subquad.zoo/1"),
/// results.csv (the row keys as columns, proportions flattened as accuracy_successes, ...), report.md and plots/.
/// Every file is written atomically.
/// </summary>
public static class ZooOutput
{
    /// <summary>The schema tag of results.json.</summary>
    public const string Schema = "subquad.zoo/1";

    /// <summary>
    /// Refuses a folder that holds other files than a zoo's, or a zoo of a different experiment (unless forced);
    /// writes experiment.json otherwise.
    /// </summary>
    public static void Prepare(string directory, ZooExperiment experiment, bool force)
    {
        string expPath = Path.Combine(directory, "experiment.json");
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any() && !force)
        {
            if (!File.Exists(expPath)) throw new ArgumentException($"{directory}: not empty and not a zoo folder (use --force or another folder)");
            // Threads and jobs change how fast the rows come, not the rows (a test holds them equal), so a resume may change them.
            string previous;
            try
            {
                previous = (ZooExperiment.FromJson(File.ReadAllText(expPath), expPath) with { Threads = 1, Jobs = 1 }).ToJson();
            }
            catch (Subquad.Core.InputException)
            {
                previous = "";
            }

            if (previous != (experiment with { Threads = 1, Jobs = 1 }).ToJson()) throw new ArgumentException($"{expPath}: this folder holds a different experiment; rerun with the same settings to resume, or use another folder");
        }

        Directory.CreateDirectory(directory);
        AtomicFile.Write(expPath, s => s.Write(Encoding.UTF8.GetBytes(experiment.ToJson())));
    }

    /// <summary>Writes results.json, results.csv, plots and report.md; returns the report's path.</summary>
    public static string Write(ZooResult result, string directory)
    {
        var options = ZooExperiment.JsonOptions;
        var doc = new
        {
            schema = Schema,
            completed = result.Completed,
            elapsed_s = result.ElapsedSeconds,
            cpu = CpuModel(),
            experiment = result.Experiment,
            rows = result.Rows,
            controls = result.Controls,
            one_pass = result.OnePass,
            skipped = result.Skipped,
        };
        AtomicFile.Write(Path.Combine(directory, "results.json"), s => JsonSerializer.Serialize(s, doc, options));
        AtomicFile.Write(Path.Combine(directory, "results.csv"), s => s.Write(Encoding.UTF8.GetBytes(Csv(result.Rows))));
        var figures = ZooPlots.Write(result, Path.Combine(directory, "plots"));
        string report = Path.Combine(directory, "report.md");
        AtomicFile.Write(report, s => s.Write(Encoding.UTF8.GetBytes(ZooReport.Markdown(result, figures, CpuModel()))));
        return report;
    }

    /// <summary>The rows as CSV (columns = row keys; proportions flattened).</summary>
    public static string Csv(IEnumerable<ZooRow> rows)
    {
        var sb = new StringBuilder();
        string[] header = ["task", "family", "n", "mixer", "width", "layers", "state_numbers", "state_bits", "state_formula", "seed", "lr", "steps", "batch", "parameters", "diverged", "final_loss", "validation_rate", "selected",
            .. P("accuracy"), .. P("sequence_accuracy"), "train_time_ms"];
        sb.AppendLine(string.Join(',', header));
        foreach (var r in rows)
        {
            object[] values = [r.Task, r.Family, r.N, r.Mixer, r.Width, r.Layers, r.StateNumbers, r.StateBits, r.StateFormula, r.Seed, r.Lr, r.Steps, r.Batch, r.Parameters, r.Diverged, r.FinalLoss, r.ValidationRate, r.Selected,
                .. V(r.Accuracy), .. V(r.SequenceAccuracy), r.TrainTimeMs];
            sb.AppendLine(string.Join(',', values.Select(Field)));
        }

        return sb.ToString();

        static string[] P(string p) => [$"{p}_successes", $"{p}_trials", $"{p}_rate", $"{p}_ci95_low", $"{p}_ci95_high"];
        static object[] V(Proportion p) => [p.Successes, p.Trials, p.Rate, p.Ci95Low, p.Ci95High];
    }

    private static string Field(object v) => v switch
    {
        bool b => b ? "true" : "false",
        double d => double.IsNaN(d) ? "" : d.ToString("R", CultureInfo.InvariantCulture),
        string s when s.Contains(',') || s.Contains('"') => "\"" + s.Replace("\"", "\"\"") + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>The CPU model line (reports say where they were measured).</summary>
    public static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
