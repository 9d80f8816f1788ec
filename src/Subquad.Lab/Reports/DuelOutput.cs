using System.Globalization;
using System.Text;
using System.Text.Json;
using Subquad.Core;
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
    /// <summary>The format tag in results.json.</summary>
    public const string FormatTag = "subquad-duel/1";

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
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format)
                && format.ValueKind == JsonValueKind.String && format.GetString() == FormatTag;
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
        var plots = DuelPlots.Write(summary, Path.Combine(directory, "plots"));
        var payload = new
        {
            format = FormatTag,
            completed = result.Completed,
            elapsedSeconds = result.ElapsedSeconds,
            construction = result.Construction,
            skipped = result.Skipped,
            experiment = result.Experiment,
            requirements = summary.Requirements,
            fits = summary.Fits.Select(f => new { f.Family, f.Kind, f.Quantity, f.Fit.Slope, f.Fit.RSquared, f.Fit.Points, f.LargestN }),
            rows = result.Rows,
        };
        WriteAtomically(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(payload, DuelExperiment.JsonOptions));
        WriteAtomically(Path.Combine(directory, "results.csv"), Csv(result.Rows));
        string report = Path.Combine(directory, "report.md");
        WriteAtomically(report, DuelReport.Render(result, summary, plots));
        return report;
    }

    /// <summary>The rows as CSV (header first; invariant culture; quoted where needed).</summary>
    public static string Csv(IEnumerable<DuelRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("family,n,l,trial,seed,kind,mixer,budget,truth,answer,correct,time_ms,flops,state_numbers,state_bits,note");
        foreach (var r in rows)
        {
            text.AppendLine(string.Join(',',
                Quote(r.Family), r.N.ToString(CultureInfo.InvariantCulture), r.Dimensions.ToString(CultureInfo.InvariantCulture), r.Trial.ToString(CultureInfo.InvariantCulture),
                r.Seed.ToString(CultureInfo.InvariantCulture), Quote(r.Kind), Quote(r.Mixer), r.Budget?.ToString(CultureInfo.InvariantCulture) ?? "",
                Bool(r.Truth), r.Answer is { } a ? Bool(a) : "", r.Correct is { } c ? Bool(c) : "",
                r.TimeMs.ToString("R", CultureInfo.InvariantCulture), r.Flops.ToString("R", CultureInfo.InvariantCulture),
                r.StateNumbers.ToString(CultureInfo.InvariantCulture), r.StateBits.ToString(CultureInfo.InvariantCulture), Quote(r.Note ?? "")));
        }

        return text.ToString();
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private static void WriteAtomically(string path, string contents)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }
}
