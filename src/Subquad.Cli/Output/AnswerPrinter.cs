using System.Globalization;
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
            case OutputFormat.Csv:
                Document(report).Write(io.Out, format);
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
        table.AddColumn(ScoreName(report.Problem.Kind));
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

    /// <summary>What a kind's score is, for the table's header: "cosine", "hamming distance" or "inner product".</summary>
    public static string ScoreName(ProblemKind kind) => kind.IsCosine() ? "cosine" : kind.IsHamming() ? "hamming distance" : "inner product";

    /// <summary>The schema document of a solve (docs/formats.md, subquad.solve/1); CSV rows are the pairs.</summary>
    public static ResultDocument Document(SolveReport report)
    {
        var problem = report.Problem;
        string mode = report.Mode switch
        {
            "top" => "top",
            "all" => "all",
            _ => problem.Threshold is not null ? "threshold" : problem.Gamma is not null ? "gamma" : problem.Kind == ProblemKind.Ov ? "decision" : "exact",
        };
        var document = new ResultDocument("solve", report.Mode == "all" ? null : "pairs") { RowKeysWhenEmpty = PairKeys };
        document.Add("problem", problem.Kind.CliName())
            .Add("mode", mode)
            .Add("threshold", problem.Threshold?.ToDouble())
            .Add("gamma", problem.Gamma?.ToDouble())
            .Add("bichromatic", report.Instance.IsBichromatic)
            .Add("input", Inputs.Of(report.Instance.A.Source, report.Instance.A, report.InputDtype))
            .Add("against", report.Instance.B is { } b ? Inputs.Of(b.Source, b, report.AgainstDtype) : null)
            .Add("solver", report.Solver)
            .Add("result", Verdict(report));
        if (report.Mode == "all")
        {
            document.Add("pairs_written", report.PairsWritten ?? 0)
                .Add("pairs_file", report.PairsFile)
                .Add("scores_file", report.ScoresFile);
        }
        else
        {
            document.Add("found", report.Mode == "top" ? report.Answers.Count > 0 : report.Answers[0].Found);
            var rows = new List<Record>();
            int rank = 0;
            foreach (var answer in report.Answers)
            {
                if (answer.HasPair) rows.Add(PairRecord(PairRow.From(report.Instance, answer), ++rank));
            }

            document.Add("pairs", rows);
        }

        document.Add("check", report.Check).Add("time_ms", report.Seconds * 1000);
        return document;
    }

    /// <summary>The keys of one pair row, in order (the CSV header of solve).</summary>
    public static readonly IReadOnlyList<string> PairKeys = ["rank", "i", "j", "name_i", "name_j", "score", "inner_product", "weight_i", "weight_j"];

    /// <summary>The keys of a streamed --all row (no rank: the stream is in (i, j) order).</summary>
    public static IEnumerable<string> StreamKeys => PairKeys.Skip(1);

    /// <summary>
    /// One pair as a schema row: the score (cosine for MSD/LSD, the Hamming distance for minhamming/maxhamming, else
    /// the inner product) and, on binary rows, its
    /// exact parts. <paramref name="rank"/> null (the --all stream) leaves the rank key out.
    /// </summary>
    public static Record PairRecord(PairRow row, int? rank)
    {
        var record = new Record();
        if (rank is not null) record.Add("rank", rank);
        foreach (var (key, value) in PairFields(row)) record.Add(key, value);
        return record;
    }

    private static Record PairFields(PairRow row) => new()
    {
        { "i", row.I },
        { "j", row.J },
        { "name_i", row.NameI },
        { "name_j", row.NameJ },
        { "score", row.Score.Value },
        { "inner_product", row.Score.IsExact ? row.Score.InnerProduct : null },
        { "weight_i", row.Score.IsExact ? row.Score.WeightI : null },
        { "weight_j", row.Score.IsExact ? row.Score.WeightJ : null },
    };
}
