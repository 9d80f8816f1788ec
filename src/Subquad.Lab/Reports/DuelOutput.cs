using System.Globalization;
using System.Text;
using System.Text.Json;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Lab.Analysis;
using Subquad.Lab.Duel;

namespace Subquad.Lab.Reports;

/// <summary>
/// Writes a duel's folder: results.json (format tag, experiment, rows, summary), results.csv (rows), report.md and
/// plots/*.png|svg. A folder is written only when it is missing, empty, or holds a previous duel's results.json, unless
/// forced: the duel never clobbers someone's files by accident.
/// </summary>
public static class DuelOutput
{
    /// <summary>The schema tag in results.json (house schema: snake_case, typed values, Wilson proportions).</summary>
    public const string FormatTag = "subquad.duel/1";

    /// <summary>Output JSON: the experiment's snake_case options, nulls written (a missing value is null, not absent).</summary>
    public static JsonSerializerOptions OutputOptions { get; } = new(DuelExperiment.JsonOptions) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    /// <summary>Throws <see cref="InputException"/> when <paramref name="directory"/> may not be written.</summary>
    public static void EnsureWritable(string directory, bool force)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (File.Exists(directory)) throw new InputException(directory, null, "is a file; the duel writes a folder");
        if (force || !Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any()) return;
        if (IsDuelOutput(directory)) return;
        throw new InputException(directory, null, "is not empty and holds no previous duel output; choose another folder or pass --force");
    }

    /// <summary>True when the folder holds a results.json written by a duel.</summary>
    public static bool IsDuelOutput(string directory)
    {
        string path = Path.Combine(directory, "results.json");
        if (!Subquad.Core.IO.FileInput.IsRegularFile(path)) return false;
        try
        {
            using var stream = Subquad.Core.IO.FileInput.Open(path);
            using var document = JsonDocument.Parse(stream);
            // Any JSON may sit there ([1,2] once ended in an internal error): only an object with our tag counts.
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            return (root.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String && schema.GetString() == FormatTag)
                || (root.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == "subquad-duel/1");
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes everything; returns the report's path.</summary>
    public static string Write(DuelResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var summary = DuelSummary.From(result);
        var plots = DuelPlots.Write(summary, Path.Combine(directory, "plots"), result.Experiment.ProblemsTitle);
        var payload = new
        {
            schema = FormatTag,
            completed = result.Completed,
            elapsed_seconds = result.ElapsedSeconds,
            jobs = result.Jobs,
            construction = result.Construction,
            skipped = result.Skipped,
            experiment = result.Experiment,
            completed_cells = result.CellInfos.Select(c => DuelRunner.CellKey(c.Family, c.N)).ToList(),
            families = result.CellInfos.Select(c => new { family = c.Family, n = c.N, dimensions = c.Dimensions, yes = new Analysis.Proportion(c.Yes, c.Trials), control = c.Control, mean_draws = double.IsNaN(c.MeanAttempts) ? (double?)null : c.MeanAttempts }),
            cap_hits = result.CapHits,
            cell_timings = result.CellTimings.Select(t => new { family = t.Family, n = t.N, wall_seconds = t.WallSeconds, cpu_seconds = t.CpuSeconds, stages = t.Stages.Select(s => new { stage = s.Stage, wall_seconds = s.WallSeconds, cpu_seconds = s.CpuSeconds }) }),
            cells = summary.Cells.Select(c => new { family = c.Family, kind = c.Kind, mixer = c.Mixer, budget = c.Budget, n = c.N, batch = c.Batch, instances = c.Trials, recall = c.Accuracy.Recall, specificity = c.Accuracy.Specificity, balanced_accuracy = Balanced(c.Accuracy), median_time_ms = c.MedianTimeMs, mean_flops = c.MeanFlops, state_bits = c.StateBits, control = c.Control, full_attention = c.FullAttention }),
            requirements = summary.Requirements.Select(r => new { family = r.Family, kind = r.Kind, n = r.N, budget = r.Budget, largest_tried = r.LargestTried, best_budget = r.BestBudget, best = Balanced(r.Best), confirmation = r.Confirmation is null ? null : Balanced(r.Confirmation), mean_flops = Finite(r.MeanFlops), median_time_ms = Finite(r.MedianTimeMs), hit_cap = r.HitCap, full_attention = r.FullAttention, control = r.Control }),
            fits = summary.Fits.Select(f => new { family = f.Family, kind = f.Kind, quantity = f.Quantity, slope = f.Fit.Slope, ci95_low = f.Ci95Low, ci95_high = f.Ci95High, r_squared = f.Fit.RSquared, points = f.Fit.Points, largest_n = f.LargestN }),
            lambda_sweep = result.LambdaPoints.Select(p => new { family = p.Family, n = p.N, score_bound = p.ScoreBound, contender = p.Contender, instance = p.Instance, relative_error = Finite(p.RelativeError) }),
            rows = result.Rows,
        };
        WriteAtomically(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(payload, OutputOptions));
        WriteAtomically(Path.Combine(directory, "results.csv"), Csv(result.Rows));
        string report = Path.Combine(directory, "report.md");
        WriteAtomically(report, DuelReport.Render(result, summary, plots));
        return report;
    }

    private static object Balanced(Analysis.BalancedAccuracy a) => new { rate = Finite(a.Rate), ci95_low = a.Ci95Low, ci95_high = a.Ci95High, effective_trials = a.EffectiveTrials, recall = a.Recall, specificity = a.Specificity };

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>
    /// What a previous run of the same experiment in <paramref name="directory"/> finished, for resuming: its rows and
    /// cells, and the per-cell records that are not rows (cap hits, lambda-sweep points, cell timings), so that a resumed
    /// report still says where a ladder hit the cap. Empty when there is none or its experiment differs.
    /// </summary>
    public static DuelCheckpoint ReadCheckpoint(string directory, DuelExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        string path = Path.Combine(directory, "results.json");
        if (!File.Exists(path) || !IsDuelOutput(directory)) return DuelCheckpoint.Empty;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("experiment", out var e) || !root.TryGetProperty("rows", out var rows) || !root.TryGetProperty("completed_cells", out var cells)) return DuelCheckpoint.Empty;
            var previous = e.Deserialize<DuelExperiment>(DuelExperiment.JsonOptions);
            if (previous is null || previous.ToJson() != experiment.ToJson()) return DuelCheckpoint.Empty;
            static IEnumerable<JsonElement> Items(JsonElement root, string name) =>
                root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];
            static double Number(JsonElement x, string name) =>
                x.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
            var capHits = Items(root, "cap_hits").Select(x => new CapHit(x.GetProperty("family").GetString()!, x.GetProperty("n").GetInt32(), x.GetProperty("kind").GetString()!, x.GetProperty("next_budget").GetInt64())).ToList();
            var lambda = Items(root, "lambda_sweep").Select(x => new Analysis.LambdaSweep.Point(x.GetProperty("family").GetString()!, x.GetProperty("n").GetInt32(), Number(x, "score_bound"), x.GetProperty("contender").GetString()!, x.GetProperty("instance").GetInt32(), Number(x, "relative_error"))).ToList();
            var timings = Items(root, "cell_timings").Select(x => new CellTiming(x.GetProperty("family").GetString()!, x.GetProperty("n").GetInt32(), Number(x, "wall_seconds"), Number(x, "cpu_seconds"),
                Items(x, "stages").Select(s => new StageTiming(s.GetProperty("stage").GetString()!, Number(s, "wall_seconds"), Number(s, "cpu_seconds"))).ToList())).ToList();
            return new DuelCheckpoint(rows.Deserialize<List<DuelRow>>(OutputOptions) ?? [], cells.Deserialize<List<string>>() ?? [], capHits, lambda, timings);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return DuelCheckpoint.Empty;
        }
    }

    /// <summary>The rows as CSV: the columns are the JSON row keys (header first; invariant culture; quoted where needed).</summary>
    public static string Csv(IEnumerable<DuelRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("family,n,dimensions,trial,seed,kind,mixer,budget,truth,answer,correct,time_ms,flops,state_numbers,state_bits,batch,full_attention,control,note");
        foreach (var r in rows)
        {
            text.AppendLine(string.Join(',',
                Quote(r.Family), r.N.ToString(CultureInfo.InvariantCulture), r.Dimensions.ToString(CultureInfo.InvariantCulture), r.Trial.ToString(CultureInfo.InvariantCulture),
                r.Seed.ToString(CultureInfo.InvariantCulture), Quote(r.Kind), Quote(r.Mixer), r.Budget?.ToString(CultureInfo.InvariantCulture) ?? "",
                Bool(r.Truth), r.Answer is { } a ? Bool(a) : "", r.Correct is { } c ? Bool(c) : "",
                r.TimeMs.ToString("R", CultureInfo.InvariantCulture), r.Flops.ToString("R", CultureInfo.InvariantCulture),
                r.StateNumbers.ToString(CultureInfo.InvariantCulture), r.StateBits.ToString(CultureInfo.InvariantCulture),
                r.Batch.ToString(CultureInfo.InvariantCulture), Bool(r.FullAttention), Bool(r.Control), Quote(r.Note ?? "")));
        }

        return text.ToString();
    }

    private static string Bool(bool b) => b ? "true" : "false";

    /// <summary>The one CSV field formatter (it quotes CR as well, which this file's own copy missed).</summary>
    private static string Quote(string s) => CsvField.Quote(s);

    private static void WriteAtomically(string path, string contents)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }
}
