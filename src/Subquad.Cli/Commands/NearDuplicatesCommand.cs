using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Subquad.Cli.Output;
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
        var groups = new Option<bool>("--groups") { Description = "Report clusters of near-duplicates (documents linked by pairs meeting the threshold) instead of their pairs." };
        var stripHtml = new Option<bool>("--strip-html") { Description = "Embed the visible text of .html/.htm/.xhtml files (tags, scripts, styles, comments removed)." };
        var batchSize = new Option<int>("--batch-size") { Description = "minilm: documents per ONNX batch.", DefaultValueFactory = _ => 32 };
        var threads = new Option<int?>("--threads") { Description = "minilm: ONNX Runtime intra-op threads; and the exact search's worker threads (default: all cores)." };
        var listSkipped = new Option<bool>("--list-skipped") { Description = "List every skipped file on stderr (by default: counts per reason once there are more than 20)." };
        var command = new Command("near-duplicates", "Find the most alike documents of a folder: embed each file, then run the exact threshold join or top-K.");
        command.Arguments.Add(folder);
        command.Options.Add(model);
        command.Options.Add(threshold);
        command.Options.Add(top);
        command.Options.Add(format);
        command.Options.Add(report);
        command.Options.Add(maxTerms);
        command.Options.Add(groups);
        command.Options.Add(stripHtml);
        command.Options.Add(batchSize);
        command.Options.Add(threads);
        command.Options.Add(listSkipped);
        command.WithExamples(
            "subquad near-duplicates ~/notes --threshold 0.95 --groups",
            "subquad near-duplicates docs/ --model minilm -k 20 --format csv",
            "subquad near-duplicates site/ --strip-html --report out/");
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
            if (parse.GetValue(groups) && query.Threshold is null) throw new UsageException("--groups clusters the pairs meeting a threshold; it does not combine with --top");
            if (parse.GetValue(batchSize) < 1) throw new UsageException($"--batch-size {parse.GetValue(batchSize)}: must be at least 1");
            if (parse.GetValue(threads) is < 1) throw new UsageException($"--threads {parse.GetValue(threads)}: must be at least 1");
            var settings = new Settings(parse.GetValue(groups), parse.GetValue(stripHtml), parse.GetValue(batchSize), parse.GetValue(threads), parse.GetValue(listSkipped));
            Run(io, dir, embeddingModel, query, parse.GetValue(format), reportDir, terms, settings);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The one call that reads the folder: Embeddings' strict reader (links never followed, whitespace-only and empty
    /// files skipped, UTF-16 decoded). Core.Text.TextFolder, which <c>embed</c> uses, follows links; merging the two is
    /// open in issue 14.
    /// </summary>
    private static DocumentCorpus ReadDocuments(string folder) => DocumentCorpus.Read(folder);

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

    /// <summary>The options added by issue 16.</summary>
    private sealed record Settings(bool Groups, bool StripHtml, int BatchSize, int? Threads, bool ListSkipped);

    /// <summary>Skips listed one per line up to this many; beyond, counted by reason.</summary>
    private const int SkipLines = 20;

    private static void Run(CliIO io, string dir, EmbeddingModel model, NearDuplicateQuery query, OutputFormat format, string? reportDir, int maxTerms, Settings settings)
    {
        var corpus = ReadDocuments(dir);
        if (settings.StripHtml)
        {
            corpus = corpus with { Documents = corpus.Documents.Select(d => HtmlText.IsHtml(d.Name) ? d with { Text = HtmlText.Strip(d.Text) } : d).ToList() };
        }

        var solveOptions = new SolveOptions { Threads = settings.Threads };
        using var embedder = DocumentEmbedders.Create(model, new DocumentEmbedderOptions { MaxTerms = maxTerms, BatchSize = settings.BatchSize, Threads = settings.Threads });
        NearDuplicateResult result;
        if (io.Interactive && corpus.Documents.Count > 0)
        {
            result = null!;
            io.ErrorConsole.Progress().Start(context =>
            {
                var task = context.AddTask($"embedding ({model.CliName()})", maxValue: corpus.Documents.Count);
                result = NearDuplicateFinder.Find(corpus, embedder, query, reportDir is not null, solveOptions, embedProgress: new SynchronousProgress(done => task.Value = done));
            });
        }
        else
        {
            result = NearDuplicateFinder.Find(corpus, embedder, query, reportDir is not null, solveOptions);
        }

        if (result.Skipped.Count > 0)
        {
            io.Error.WriteLine($"skipped {result.Skipped.Count} file{(result.Skipped.Count == 1 ? "" : "s")}:");
            if (settings.ListSkipped || result.Skipped.Count <= SkipLines)
            {
                foreach (var skip in result.Skipped) io.Error.WriteLine($"  {skip.RelativePath}: {skip.Reason}");
            }
            else
            {
                foreach (var (reason, count) in SkipSummary.ByReason(result.Skipped)) io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,6}  {reason}"));
                io.Error.WriteLine("  (--list-skipped lists every file; --format json holds them all)");
            }
        }

        if (result.Compared.Count < 2)
        {
            throw new InputException(dir, null, $"{result.Compared.Count} document{(result.Compared.Count == 1 ? "" : "s")} can be compared; near-duplicates needs at least 2 readable text files");
        }

        var embedding = result.Embedding;
        io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embedded {embedding.Vectors.Count} documents with {model.CliName()} in {embedding.Elapsed.TotalSeconds:F2} s ({embedding.DocumentsPerSecond:F1} documents/s; {embedding.Details}); exact search ({result.Solver}) in {result.SearchTime.TotalSeconds:F3} s"));
        var groups = settings.Groups ? DocumentGroup.From(result.Pairs) : null;
        if (format == OutputFormat.Table)
        {
            if (groups is not null) WriteGroupTable(io, result, groups, model);
            else WriteTable(io, result, model);
        }
        else
        {
            Document(result, model, groups).Write(io.Out, format);
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
                Math.Min(1, pair.Similarity).ToString("F4", CultureInfo.InvariantCulture),
                Markup.Escape(pair.NameI),
                Markup.Escape(pair.NameJ));
        }

        io.Console.Write(table);
    }

    private static void WriteGroupTable(CliIO io, NearDuplicateResult result, IReadOnlyList<DocumentGroup> groups, EmbeddingModel model)
    {
        if (groups.Count == 0)
        {
            io.Out.WriteLine($"no group: {result.Query} ({model.CliName()}, {result.Compared.Count} documents)");
            return;
        }

        var table = new Table().Title(Markup.Escape($"{groups.Count} groups, {result.Query} ({model.CliName()}, {result.Compared.Count} documents)"));
        table.AddColumn(new TableColumn("group").RightAligned());
        table.AddColumn(new TableColumn("size").RightAligned());
        table.AddColumn(new TableColumn("min cosine").RightAligned());
        table.AddColumn("documents");
        int number = 0;
        foreach (var group in groups)
        {
            table.AddRow(
                (++number).ToString(CultureInfo.InvariantCulture),
                group.Documents.Count.ToString(CultureInfo.InvariantCulture),
                Math.Min(1, group.MinCosine).ToString("F4", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("\n", group.Documents)));
        }

        io.Console.Write(table);
    }

    /// <summary>
    /// subquad.near-duplicates/1: the run, then "pairs" (or "groups" with --groups) as the CSV rows. Cosines are
    /// clamped to [-1, 1]: float64 rounding of ip / sqrt(|a| |b|) can give 1.0000000000000002 for identical rows.
    /// </summary>
    internal static ResultDocument Document(NearDuplicateResult result, EmbeddingModel model, IReadOnlyList<DocumentGroup>? groups)
    {
        var document = new ResultDocument("near-duplicates", groups is null ? "pairs" : "groups")
        {
            RowKeysWhenEmpty = groups is null ? ["rank", "i", "j", "name_i", "name_j", "cosine", "shared_keywords", "keywords_i", "keywords_j"] : ["group", "size", "min_cosine", "max_cosine", "documents"],
        };
        var vectors = result.Embedding.Vectors;
        document.Add("input", new Record { { "path", result.Root }, { "n", result.Compared.Count }, { "dim", vectors.Dimensions }, { "kind", vectors.IsBinary ? "binary" : "dense" }, { "dtype", "text" } })
            .Add("model", model.CliName())
            .Add("model_description", result.ModelDescription)
            .Add("threshold", result.Query.Threshold?.ToDouble())
            .Add("top", result.Query.Top)
            .Add("documents_read", vectors.Count)
            .Add("documents_compared", result.Compared.Count)
            .Add("embedding_time_ms", result.Embedding.Elapsed.TotalMilliseconds)
            .Add("documents_per_second", result.Embedding.DocumentsPerSecond)
            .Add("search_time_ms", result.SearchTime.TotalMilliseconds)
            .Add("solver", result.Solver)
            .Add("skipped_files", result.Skipped.Count)
            .Add("skipped_by_reason", SkipSummary.ByReason(result.Skipped).Select(r => new Record { { "reason", r.Reason }, { "files", r.Count } }).ToList())
            .Add("skipped", result.Skipped.Select(s => new Record { { "file", s.RelativePath }, { "reason", s.Reason } }).ToList());
        if (groups is not null)
        {
            int number = 0;
            document.Add("groups", groups.Select(g => new Record
            {
                { "group", ++number },
                { "size", g.Documents.Count },
                { "min_cosine", Math.Clamp(g.MinCosine, -1, 1) },
                { "max_cosine", Math.Clamp(g.MaxCosine, -1, 1) },
                { "documents", g.Documents },
            }).ToList());
        }
        else
        {
            int rank = 0;
            document.Add("pairs", result.Pairs.Select(pair => new Record
            {
                { "rank", ++rank },
                { "i", pair.I },
                { "j", pair.J },
                { "name_i", pair.NameI },
                { "name_j", pair.NameJ },
                { "cosine", Math.Clamp(pair.Similarity, -1, 1) },
                { "shared_keywords", pair.Score.IsExact ? pair.Score.InnerProduct : null },
                { "keywords_i", pair.Score.IsExact ? pair.Score.WeightI : null },
                { "keywords_j", pair.Score.IsExact ? pair.Score.WeightJ : null },
            }).ToList());
        }

        return document;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
