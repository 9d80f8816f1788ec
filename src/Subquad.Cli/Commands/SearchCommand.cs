using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Search;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad search QUERIES --corpus CORPUS -k 10 [-p msd|lsd|maxip|minip|ov|hamming] [-o DIR]</c>: the exact k
/// nearest corpus rows of every query (<see cref="NearestNeighbors"/>), as FAISS <c>index.search(xq, k)</c> returns
/// them: <c>DIR/indices.npy</c> (int64, queries x k, -1 where the corpus is smaller than k) and
/// <c>DIR/scores.npy</c> (float32 cosines or dense inner products, NaN padding; int32 inner products or Hamming
/// distances on binary rows, -1 padding), plus a table, JSON or CSV.
/// </summary>
internal static class SearchCommand
{
    /// <summary>Query rows shown by the table; JSON, CSV and -o hold all of them.</summary>
    private const int TableQueries = 10;

    public static Command Create(CliIO io)
    {
        var queries = new Argument<string>("queries") { Description = "Query vectors (.npy, .fvecs, .bvecs, .csv, .tsv)." };
        var corpus = new Option<string>("--corpus", "-c") { Description = "The vectors to search (same kind and width as the queries).", Required = true };
        var top = new Option<int>("--top", "-k") { Description = "Neighbours per query, nearest first.", DefaultValueFactory = _ => 10 };
        var problem = new Option<string>("--problem", "-p") { Description = $"Score: {NeighborMetrics.Names} (msd: largest cosine; maxip: FAISS IndexFlatIP; hamming: IndexBinaryFlat).", DefaultValueFactory = _ => "msd" };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for indices.npy and scores.npy (created if needed)." };
        var format = CommonOptions.Format();
        var dense = new Option<bool>("--dense") { Description = "Read both files as dense float vectors even if they are 0/1." };
        var binary = new Option<bool>("--binary") { Description = "Read both files as binary vectors." };
        var packed = VectorInputs.Packed();
        var packedDim = VectorInputs.PackedDim();
        var mmap = VectorInputs.Mmap();
        var noMmap = VectorInputs.NoMmap();
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all cores)." };
        var check = new Option<bool>("--check") { Description = "Verify every neighbour list against the brute-force oracle (O(q n l))." };
        var command = new Command("search", "Exact k nearest neighbours of every query in a corpus (FAISS-style indices.npy and scores.npy).");
        command.Arguments.Add(queries);
        foreach (var option in new Option[] { corpus, top, problem, output, format, dense, binary, packed, packedDim, mmap, noMmap, threads, check }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string queryPath = parse.GetValue(queries)!, corpusPath = parse.GetValue(corpus)!;
            int k = parse.GetValue(top);
            if (k < 1) throw new UsageException($"--top {k}: k must be at least 1");
            if (!NeighborMetrics.TryParse(parse.GetValue(problem), out var metric)) throw new UsageException($"--problem {parse.GetValue(problem)}: expected {NeighborMetrics.Names}");
            if (parse.GetValue(dense) && parse.GetValue(binary)) throw new UsageException("--dense and --binary exclude each other");
            int? packedBits = VectorInputs.PackedDimensions(parse.GetValue(packed), parse.GetValue(packedDim), parse.GetValue(dense));
            if (parse.GetValue(threads) is < 1) throw new UsageException("--threads must be at least 1");
            string? folder = parse.GetValue(output);
            if (folder is not null) RefuseInputs(folder, queryPath, corpusPath);
            VectorKind? kind = parse.GetValue(dense) ? VectorKind.Dense : parse.GetValue(binary) || metric.NeedsBinary() ? VectorKind.Binary : null;
            var mapping = VectorInputs.Mapping(parse.GetValue(mmap), parse.GetValue(noMmap));
            var q = VectorInputs.Read(io, queryPath, kind, packedBits, mapping);
            var c = VectorInputs.Read(io, corpusPath, kind ?? (q.IsBinary ? VectorKind.Binary : VectorKind.Dense), packedBits, mapping);
            var clock = Stopwatch.StartNew();
            var result = NearestNeighbors.Search(q, c, metric, k, parse.GetValue(threads));
            clock.Stop();
            string? verdict = null;
            if (parse.GetValue(check)) verdict = Compare(result, NearestNeighbors.Reference(q, c, metric, k));
            string? indicesFile = null, scoresFile = null;
            if (folder is not null) (indicesFile, scoresFile) = WriteArrays(folder, result, q.IsBinary);
            var document = Document(result, queryPath, q, corpusPath, c, packedBits, k, clock.Elapsed.TotalMilliseconds, verdict, indicesFile, scoresFile);
            if (parse.GetValue(format) == OutputFormat.Table) PrintTable(io, result, q, c, clock.Elapsed.TotalMilliseconds, verdict, indicesFile, scoresFile);
            else document.Write(io.Out, parse.GetValue(format));
            if (verdict is not null && verdict != "ok")
            {
                io.Error.WriteLine("error: the oracle disagrees with the search: " + verdict);
                return ExitCodes.Internal;
            }

            return ExitCodes.Ok;
        });
        command.WithExamples(
            "subquad search queries.npy --corpus docs.npy -k 10 -o out/   # out/indices.npy, out/scores.npy",
            "subquad search q.npy --corpus base.npy -k 5 -p maxip --format csv",
            "subquad search q.npy --corpus codes.npy --packed --dim 256 -p hamming -k 10");
        return command;
    }

    /// <summary>"ok" when the search equals the oracle (indices and scores), else the first difference.</summary>
    internal static string Compare(NeighborResult actual, NeighborResult expected)
    {
        for (long at = 0; at < expected.Indices.Length; at++)
        {
            bool same = actual.Indices[at] == expected.Indices[at]
                && (actual.Scores[at].Equals(expected.Scores[at]));
            if (!same)
            {
                long query = at / expected.K, rank = at % expected.K + 1;
                return string.Create(CultureInfo.InvariantCulture,
                    $"query {query} rank {rank}: index {actual.Indices[at]} score {actual.Scores[at]:R}, the oracle's index {expected.Indices[at]} score {expected.Scores[at]:R}");
            }
        }

        return "ok";
    }

    private static void RefuseInputs(string folder, params string[] inputs)
    {
        foreach (var name in new[] { "indices.npy", "scores.npy" })
        {
            string target = Path.GetFullPath(Path.Combine(folder, name));
            foreach (var input in inputs)
            {
                if (string.Equals(target, Path.GetFullPath(input), StringComparison.Ordinal))
                {
                    throw new UsageException($"-o {folder}: {name} there is an input file; refusing to overwrite it");
                }
            }
        }
    }

    /// <summary>indices.npy (int64) and scores.npy (float32, or int32 for integer scores on bits), FAISS's layout.</summary>
    private static (string Indices, string Scores) WriteArrays(string folder, NeighborResult result, bool binary)
    {
        if (File.Exists(folder)) throw new InputException(folder, null, "is a file; -o names a folder for indices.npy and scores.npy");
        Directory.CreateDirectory(folder);
        string indices = Path.Combine(folder, "indices.npy"), scores = Path.Combine(folder, "scores.npy");
        NpyArrayWriter.Write(indices, result.Indices, result.Queries, result.K);
        if (binary && result.Metric.IntegerOnBinary())
        {
            var values = result.Scores.Select(s => double.IsNaN(s) ? -1 : checked((int)s)).ToArray();
            NpyArrayWriter.Write(scores, values, result.Queries, result.K);
        }
        else
        {
            NpyArrayWriter.Write(scores, result.Scores.Select(s => (float)s).ToArray(), result.Queries, result.K);
        }

        return (indices, scores);
    }

    internal static ResultDocument Document(NeighborResult result, string queryPath, VectorSet queries, string corpusPath, VectorSet corpus, int? packedDim, int k,
        double milliseconds, string? check, string? indicesFile, string? scoresFile)
    {
        var rows = new List<Record>();
        for (int i = 0; i < result.Queries; i++)
        {
            for (int r = 0; r < result.K; r++)
            {
                long at = (long)i * result.K + r;
                if (result.Indices[at] < 0) break;
                int j = (int)result.Indices[at];
                rows.Add(new Record
                {
                    { "query", i },
                    { "rank", r + 1 },
                    { "index", j },
                    { "name_query", queries.RowNames is null ? null : queries.RowNames[i] },
                    { "name_index", corpus.RowNames is null ? null : corpus.RowNames[j] },
                    { "score", result.Scores[at] },
                    { "inner_product", result.InnerProducts is { } ips ? ips[at] : null },
                });
            }
        }

        var document = new ResultDocument("search", "results") { RowKeysWhenEmpty = ["query", "rank", "index", "name_query", "name_index", "score", "inner_product"] };
        return document.Add("problem", result.Metric.CliName())
            .Add("k", k)
            .Add("input", Inputs.Of(queryPath, queries, VectorInputs.Dtype(queryPath, packedDim)))
            .Add("corpus", Inputs.Of(corpusPath, corpus, VectorInputs.Dtype(corpusPath, packedDim)))
            .Add("neighbors_per_query", result.Found)
            .Add("solver", "exact k-nearest (engine tile kernels)")
            .Add("indices_file", indicesFile)
            .Add("scores_file", scoresFile)
            .Add("check", check)
            .Add("time_ms", milliseconds)
            .Add("queries_per_second", result.Queries / Math.Max(milliseconds / 1000, 1e-9))
            .Add("results", rows);
    }

    private static void PrintTable(CliIO io, NeighborResult result, VectorSet queries, VectorSet corpus, double milliseconds, string? check, string? indicesFile, string? scoresFile)
    {
        var inv = CultureInfo.InvariantCulture;
        io.Console.MarkupLine(inv, $"[bold]{result.Metric.CliName()}[/]: {result.K} nearest of {result.Queries} queries in {corpus.Count} {(corpus.IsBinary ? "binary" : "dense")} rows x {corpus.Dimensions} ({milliseconds:F1} ms){(check is null ? "" : check == "ok" ? ", [green]checked by the oracle[/]" : ", [red]CHECK FAILED[/]")}");
        if (indicesFile is not null) io.Console.MarkupLine($"wrote {Markup.Escape(indicesFile)} and {Markup.Escape(scoresFile!)}");
        var table = new Table().AddColumn("query").AddColumn("rank").AddColumn("index").AddColumn(result.Metric == NeighborMetric.Hamming ? "hamming" : result.Metric.IsCosine() ? "cosine" : "inner product");
        bool names = queries.RowNames is not null || corpus.RowNames is not null;
        if (names) table.AddColumn("name");
        int shown = Math.Min(TableQueries, result.Queries);
        for (int i = 0; i < shown; i++)
        {
            for (int r = 0; r < result.K; r++)
            {
                long at = (long)i * result.K + r;
                if (result.Indices[at] < 0) break;
                int j = (int)result.Indices[at];
                var cells = new List<string> { r == 0 ? Markup.Escape(queries.NameOf(i)) : "", (r + 1).ToString(inv), j.ToString(inv), result.Scores[at].ToString("G9", inv) };
                if (names) cells.Add(Markup.Escape(corpus.NameOf(j)));
                table.AddRow(cells.ToArray());
            }
        }

        io.Console.Write(table);
        if (result.Queries > shown) io.Out.WriteLine($"... {result.Queries - shown} more queries (all of them with --format json|csv or -o DIR)");
        if (result.K > corpus.Count) io.Out.WriteLine($"the corpus has {corpus.Count} rows, fewer than k = {result.K}: the missing places are index -1 in indices.npy");
    }
}
