using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;
using Subquad.Embeddings.NearDuplicates;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad near-duplicates DIR [--model bow|tfidf|minilm] [--threshold t | --top K] [--format table|json|csv]
/// [--report DIR2]</c>: embeds every text file of a folder and asks the exact engine which pairs are most alike
/// (the MSD_t threshold join, or top-K MSD). The folder is only read; skipped files are listed on stderr with reasons.
/// </summary>
internal static class NearDuplicatesCommand
{
    /// <summary>The threshold used when neither --threshold nor --top is given.</summary>
    public const string DefaultThreshold = "0.9";

    public static Command Create(CliIO io)
    {
        var folder = new Argument<string>("folder") { Description = "Folder of UTF-8 text files (read recursively, never modified)." };
        var model = new Option<string>("--model", "-m") { Description = $"Embedding: {EmbeddingModels.Names} (default bow, the paper's bag of words).", DefaultValueFactory = _ => "bow" };
        var threshold = new Option<string?>("--threshold", "-t") { Description = $"Report every pair with cosine >= t, t in [0, 1] (default {DefaultThreshold})." };
        var top = new Option<int?>("--top", "-k") { Description = "Report the K most similar pairs instead of a threshold." };
        var format = CommonOptions.Format();
        var report = new Option<string?>("--report") { Description = "Also write a markdown report with a similarity histogram into this folder (outside DIR)." };
        var maxTerms = new Option<int>("--max-terms") { Description = "bow and tfidf: columns, the terms of highest document frequency.", DefaultValueFactory = _ => 4096 };
        var command = new Command("near-duplicates", "Find the most alike documents of a folder: embed each file, then run the exact threshold join or top-K.");
        command.Arguments.Add(folder);
        command.Options.Add(model);
        command.Options.Add(threshold);
        command.Options.Add(top);
        command.Options.Add(format);
        command.Options.Add(report);
        command.Options.Add(maxTerms);
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            if (!EmbeddingModels.TryParse(parse.GetValue(model), out var embeddingModel))
            {
                throw new UsageException($"--model {parse.GetValue(model)}: unknown model; use one of {EmbeddingModels.Names}");
            }

            var query = Query(parse.GetValue(threshold), parse.GetValue(top));
            int terms = parse.GetValue(maxTerms);
            if (terms < 1) throw new UsageException($"--max-terms {terms}: must be at least 1");
            string? reportDir = parse.GetValue(report);
            if (reportDir is not null) RefuseReportInside(dir, reportDir);
            Run(io, dir, embeddingModel, query, parse.GetValue(format), reportDir, terms);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The one call that reads the folder. INTERIM: it uses this project's minimal reader until Core.Text's
    /// folder reader is merged; then only this method changes.
    /// </summary>
    private static DocumentCorpus ReadDocuments(string folder) => DocumentFolder.Read(folder);

    private static NearDuplicateQuery Query(string? threshold, int? top)
    {
        if (threshold is not null && top is not null) throw new UsageException("--threshold and --top exclude each other; give one");
        if (top is { } k)
        {
            if (k < 1) throw new UsageException($"--top {k}: must be at least 1");
            return NearDuplicateQuery.MostSimilar(k);
        }

        string text = threshold ?? DefaultThreshold;
        if (!Rational.TryParse(text, out var t) || t.CompareTo(Rational.FromInteger(1)) > 0)
        {
            throw new UsageException($"--threshold {text}: must be a number in [0, 1]");
        }

        return NearDuplicateQuery.AtLeast(t);
    }

    /// <summary>The report folder must not lie inside the input folder: the input is never modified.</summary>
    private static void RefuseReportInside(string folder, string reportDir)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(reportDir)) + Path.DirectorySeparatorChar;
        if (target.StartsWith(root, StringComparison.Ordinal))
        {
            throw new UsageException($"--report {reportDir} lies inside {folder}; the input folder is never modified, so write the report elsewhere");
        }
    }

    private static void Run(CliIO io, string dir, EmbeddingModel model, NearDuplicateQuery query, OutputFormat format, string? reportDir, int maxTerms)
    {
        var corpus = ReadDocuments(dir);
        using var embedder = DocumentEmbedders.Create(model, new DocumentEmbedderOptions { MaxTerms = maxTerms });
        NearDuplicateResult result;
        if (io.Interactive && corpus.Documents.Count > 0)
        {
            result = null!;
            io.ErrorConsole.Progress().Start(context =>
            {
                var task = context.AddTask($"embedding ({model.CliName()})", maxValue: corpus.Documents.Count);
                result = NearDuplicateFinder.Find(corpus, embedder, query, reportDir is not null, embedProgress: new SynchronousProgress(done => task.Value = done));
            });
        }
        else
        {
            result = NearDuplicateFinder.Find(corpus, embedder, query, reportDir is not null);
        }

        if (result.Skipped.Count > 0)
        {
            io.Error.WriteLine($"skipped {result.Skipped.Count} file{(result.Skipped.Count == 1 ? "" : "s")}:");
            foreach (var skip in result.Skipped) io.Error.WriteLine($"  {skip.Name}: {skip.Reason}");
        }

        if (result.Compared.Count < 2)
        {
            throw new InputException(dir, null, $"{result.Compared.Count} document{(result.Compared.Count == 1 ? "" : "s")} can be compared; near-duplicates needs at least 2 readable text files");
        }

        var embedding = result.Embedding;
        io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embedded {embedding.Vectors.Count} documents with {model.CliName()} in {embedding.Elapsed.TotalSeconds:F2} s ({embedding.DocumentsPerSecond:F1} documents/s; {embedding.Details}); exact search ({result.Solver}) in {result.SearchTime.TotalSeconds:F3} s"));
        switch (format)
        {
            case OutputFormat.Json:
                WriteJson(io.Out, result, model);
                break;
            case OutputFormat.Csv:
                WriteCsv(io.Out, result);
                break;
            default:
                WriteTable(io, result, model);
                break;
        }

        if (reportDir is not null)
        {
            string path = NearDuplicateReport.Write(reportDir, result);
            io.Error.WriteLine($"report written to {path}");
        }
    }

    private static void WriteTable(CliIO io, NearDuplicateResult result, EmbeddingModel model)
    {
        if (result.Pairs.Count == 0)
        {
            io.Out.WriteLine($"no pair: {result.Query} ({model.CliName()}, {result.Compared.Count} documents)");
            return;
        }

        var table = new Table().Title(Markup.Escape($"{result.Query} ({model.CliName()}, {result.Compared.Count} documents)"));
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn(new TableColumn("cosine").RightAligned());
        table.AddColumn("document");
        table.AddColumn("document");
        int rank = 0;
        foreach (var pair in result.Pairs)
        {
            table.AddRow(
                (++rank).ToString(CultureInfo.InvariantCulture),
                pair.Similarity.ToString("F4", CultureInfo.InvariantCulture),
                Markup.Escape(pair.NameI),
                Markup.Escape(pair.NameJ));
        }

        io.Console.Write(table);
    }

    private static void WriteJson(TextWriter output, NearDuplicateResult result, EmbeddingModel model)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("folder", result.Root);
            json.WriteString("model", model.CliName());
            json.WriteString("model_description", result.ModelDescription);
            if (result.Query.Threshold is { } t) json.WriteNumber("threshold", t.ToDouble());
            else json.WriteNumber("top", result.Query.Top!.Value);
            json.WriteNumber("documents_read", result.Embedding.Vectors.Count);
            json.WriteNumber("documents_compared", result.Compared.Count);
            json.WriteNumber("embedding_seconds", result.Embedding.Elapsed.TotalSeconds);
            json.WriteNumber("documents_per_second", result.Embedding.DocumentsPerSecond);
            json.WriteNumber("search_seconds", result.SearchTime.TotalSeconds);
            json.WriteString("solver", result.Solver);
            json.WriteStartArray("pairs");
            foreach (var pair in result.Pairs)
            {
                json.WriteStartObject();
                json.WriteString("a", pair.NameI);
                json.WriteString("b", pair.NameJ);
                json.WriteNumber("cosine", pair.Similarity);
                if (pair.Score.IsExact)
                {
                    json.WriteNumber("shared_keywords", pair.Score.InnerProduct);
                    json.WriteNumber("keywords_a", pair.Score.WeightI);
                    json.WriteNumber("keywords_b", pair.Score.WeightJ);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("skipped");
            foreach (var skip in result.Skipped)
            {
                json.WriteStartObject();
                json.WriteString("file", skip.Name);
                json.WriteString("reason", skip.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteCsv(TextWriter output, NearDuplicateResult result)
    {
        output.WriteLine("a,b,cosine");
        foreach (var pair in result.Pairs)
        {
            output.WriteLine($"{Csv(pair.NameI)},{Csv(pair.NameJ)},{pair.Similarity.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
