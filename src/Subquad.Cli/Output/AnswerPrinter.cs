using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Subquad.Cli.Commands;
using Subquad.Core.Problems;

namespace Subquad.Cli.Output;

/// <summary>Prints a <see cref="SolveReport"/> as a table (default), JSON or CSV on <see cref="CliIO.Out"/>.</summary>
internal static class AnswerPrinter
{
    public static void Print(CliIO io, SolveReport report, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Json:
                io.Out.WriteLine(ToJson(report));
                break;
            case OutputFormat.Csv:
                PrintCsv(io.Out, report);
                break;
            default:
                PrintTable(io, report);
                break;
        }

        io.Out.Flush();
    }

    /// <summary>One line describing the instance: "200 binary rows x 64 (docs.npy)" or "A x B".</summary>
    public static string Describe(SimilarityInstance instance)
    {
        string kind = instance.IsBinary ? "binary" : "dense";
        string Side(Subquad.Core.Vectors.VectorSet set) => string.Create(CultureInfo.InvariantCulture, $"{set.Count} {kind} rows x {set.Dimensions}{(set.Source is null ? "" : " (" + set.Source + ")")}");
        return instance.B is null ? Side(instance.A) : Side(instance.A) + " against " + Side(instance.B);
    }

    /// <summary>"yes" / "no" for decisions, "optimum" (exact), "gamma-approximate", "top K".</summary>
    public static string Verdict(SolveReport report)
    {
        if (report.Mode == "top") return $"top {report.Answers.Count}";
        if (report.Mode == "all") return string.Create(CultureInfo.InvariantCulture, $"{report.PairsWritten} pairs");
        var answer = report.Answers[0];
        return report.Problem.IsDecision ? (answer.Found ? "yes" : "no")
            : report.Problem.Mode == ProblemMode.Gamma ? "approximate" : "optimum";
    }

    private static void PrintTable(CliIO io, SolveReport report)
    {
        io.Console.MarkupLine(CultureInfo.InvariantCulture, $"[bold]{Markup.Escape(report.Problem.ToString())}[/] on {Markup.Escape(Describe(report.Instance))}: [bold]{Markup.Escape(Verdict(report))}[/] ({report.Seconds * 1000:F1} ms, {Markup.Escape(report.Solver)}){(report.Check is null ? "" : report.Check == "ok" ? ", [green]checked by the oracle[/]" : ", [red]CHECK FAILED: " + Markup.Escape(report.Check) + "[/]")}");
        if (report.PairsFile is not null) io.Console.MarkupLine($"pairs written to {Markup.Escape(report.PairsFile)}");
        var pairs = report.Answers.Where(a => a.HasPair).ToList();
        if (pairs.Count == 0) return;
        bool names = report.Instance.A.RowNames is not null || report.Instance.Right.RowNames is not null;
        bool exact = pairs[0].Score.IsExact;
        var table = new Table();
        if (pairs.Count > 1) table.AddColumn("rank");
        table.AddColumn("i").AddColumn("j");
        if (names) table.AddColumn("row i").AddColumn("row j");
        table.AddColumn(report.Problem.Kind.IsCosine() ? "cosine" : "inner product");
        if (exact) table.AddColumn("ip").AddColumn("|a|").AddColumn("|b|");
        for (int r = 0; r < pairs.Count; r++)
        {
            var row = PairRow.From(report.Instance, pairs[r]);
            var cells = new List<string>();
            if (pairs.Count > 1) cells.Add((r + 1).ToString(CultureInfo.InvariantCulture));
            cells.Add(row.I.ToString(CultureInfo.InvariantCulture));
            cells.Add(row.J.ToString(CultureInfo.InvariantCulture));
            if (names)
            {
                cells.Add(Markup.Escape(row.NameI ?? ""));
                cells.Add(Markup.Escape(row.NameJ ?? ""));
            }

            cells.Add(row.Score.Value.ToString("G9", CultureInfo.InvariantCulture));
            if (exact)
            {
                cells.Add(row.Score.InnerProduct.ToString(CultureInfo.InvariantCulture));
                cells.Add(row.Score.WeightI.ToString(CultureInfo.InvariantCulture));
                cells.Add(row.Score.WeightJ.ToString(CultureInfo.InvariantCulture));
            }

            table.AddRow(cells.ToArray());
        }

        io.Console.Write(table);
    }

    private static void PrintCsv(TextWriter output, SolveReport report)
    {
        if (report.Mode == "all")
        {
            // The pairs went to a file; stdout gets the summary of the join.
            output.WriteLine("problem,pairs_written,pairs_file,check,seconds");
            output.WriteLine(string.Join(',', Csv.Quote(report.Problem.ToString()), (report.PairsWritten ?? 0).ToString(CultureInfo.InvariantCulture), Csv.Quote(report.PairsFile ?? ""), Csv.Quote(report.Check ?? ""), report.Seconds.ToString("R", CultureInfo.InvariantCulture)));
            return;
        }

        output.WriteLine("found," + PairRow.CsvHeader);
        foreach (var answer in report.Answers)
        {
            output.WriteLine(answer.HasPair
                ? (answer.Found ? "true," : "false,") + PairRow.From(report.Instance, answer).ToCsv()
                : "false,,,,,,,,");
        }
    }

    public static string ToJson(SolveReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonText.Options(indented: true)))
        {
            json.WriteStartObject();
            json.WriteString("problem", report.Problem.Kind.CliName());
            json.WriteString("mode", report.Problem.Mode.ToString().ToLowerInvariant());
            if (report.Problem.Threshold is { } t) json.WriteString("threshold", t.ToString());
            if (report.Problem.Gamma is { } g) json.WriteString("gamma", g.ToString());
            json.WriteBoolean("bichromatic", report.Instance.IsBichromatic);
            json.WriteString("input", Describe(report.Instance));
            json.WriteString("solver", report.Solver);
            json.WriteString("result", Verdict(report));
            if (report.Mode == "solve")
            {
                var answer = report.Answers[0];
                json.WriteBoolean("found", answer.Found);
                if (answer.HasPair)
                {
                    json.WritePropertyName("pair");
                    WritePair(json, PairRow.From(report.Instance, answer));
                }
                else
                {
                    json.WriteNull("pair");
                }
            }
            else if (report.Mode == "top")
            {
                json.WriteStartArray("pairs");
                foreach (var answer in report.Answers) WritePair(json, PairRow.From(report.Instance, answer));
                json.WriteEndArray();
            }
            else
            {
                json.WriteNumber("pairs_written", report.PairsWritten ?? 0);
                if (report.PairsFile is not null) json.WriteString("pairs_file", report.PairsFile);
            }

            if (report.Check is not null) json.WriteString("check", report.Check);
            json.WriteNumber("seconds", Math.Round(report.Seconds, 6));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WritePair(Utf8JsonWriter json, PairRow row)
    {
        json.WriteStartObject();
        json.WriteNumber("i", row.I);
        json.WriteNumber("j", row.J);
        if (row.NameI is not null) json.WriteString("name_i", row.NameI);
        if (row.NameJ is not null) json.WriteString("name_j", row.NameJ);
        json.WriteNumber("score", row.Score.Value);
        if (row.Score.IsExact)
        {
            json.WriteNumber("inner_product", row.Score.InnerProduct);
            json.WriteNumber("weight_i", row.Score.WeightI);
            json.WriteNumber("weight_j", row.Score.WeightJ);
        }

        json.WriteEndObject();
    }
}
