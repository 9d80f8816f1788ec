using System.CommandLine;
using System.Globalization;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Text;
using Subquad.Embeddings.Embedders;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad embed DIR -o docs.npy [--keywords N | --keyword-file F] [--max-df 0.5] [--min-df K]</c>: the paper's
/// bag-of-words embedding of a folder of text files (paper.md 2.1). Writes the 0/1 matrix and, beside it,
/// <c>docs.names.json</c> (row -> file, column -> keyword) so <c>solve</c> can name documents. Never writes over
/// one of its inputs.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(CliIO io)
    {
        var folder = new Argument<string>("folder") { Description = "Folder of UTF-8 text files (read recursively)." };
        var output = new Option<string>("--output", "-o") { Description = "Vectors file to write (.npy, .csv, .tsv, .bvecs, .fvecs).", Required = true };
        var keywords = new Option<int?>("--keywords") { Description = "Number of keywords l: the l most document-frequent words (default 64)." };
        var keywordFile = new Option<string?>("--keyword-file") { Description = "Use these keywords instead: one per line, '#' comments." };
        var maxDf = new Option<double>("--max-df") { Description = "Skip words present in more than this fraction of documents (0, 1].", DefaultValueFactory = _ => 0.5 };
        var minDf = new Option<int>("--min-df") { Description = "Skip words present in fewer than this many documents.", DefaultValueFactory = _ => 1 };
        var model = new Option<string>("--model", "-m") { Description = "bow (the paper's bag of words, default), tfidf (dense TF-IDF rows) or minilm (384-d MiniLM sentence embeddings).", DefaultValueFactory = _ => "bow" };
        model.AcceptOnlyFromAmong("bow", "tfidf", "minilm");
        var format = CommonOptions.Format();
        var command = new Command("embed", "Turn a folder of text files into bag-of-words vectors (one row per file, one bit per keyword).");
        command.Arguments.Add(folder);
        command.Options.Add(output);
        command.Options.Add(keywords);
        command.Options.Add(keywordFile);
        command.Options.Add(maxDf);
        command.Options.Add(minDf);
        command.Options.Add(model);
        command.Options.Add(format);
        command.WithExamples(
            "subquad embed notes/ -o docs.npy --keywords 256",
            "subquad embed notes/ -o docs.npy --keyword-file keywords.txt --format json",
            "subquad embed notes/ -o emb.npy --model minilm");
        var force = OutputFiles.Force();
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            string path = parse.GetValue(output)!;
            int? count = parse.GetValue(keywords);
            string? listFile = parse.GetValue(keywordFile);
            double fraction = parse.GetValue(maxDf);
            int minimum = parse.GetValue(minDf);
            if (count is not null && listFile is not null) throw new UsageException("--keywords and --keyword-file exclude each other");
            if (count is < 1) throw new UsageException($"--keywords {count}: must be at least 1");
            if (!(fraction > 0 && fraction <= 1)) throw new UsageException($"--max-df {fraction.ToString(CultureInfo.InvariantCulture)}: must lie in (0, 1]");
            if (minimum < 1) throw new UsageException($"--min-df {minimum}: must be at least 1");
            VectorFile.WritableFormatOf(path);
            RefuseInputs(dir, path, listFile);
            OutputFiles.RefuseExisting(path, parse.GetValue(force), RowNamesSidecar.PathFor(path));

            if (parse.GetValue(model) != "bow")
            {
                if (count is not null || listFile is not null) throw new UsageException("--keywords and --keyword-file choose the bag-of-words columns; they do not apply to --model " + parse.GetValue(model));
                return EmbedDense(io, dir, path, parse.GetValue(model)!, parse.GetValue(format));
            }

            var list = listFile is null ? null : KeywordFile.Read(listFile);
            var options = new KeywordOptions { Count = count ?? 64, MaxDocumentFraction = fraction, MinDocuments = minimum };
            var result = BagOfWords.EmbedFolder(dir, options, list);
            VectorFile.Write(path, result.Vectors);
            string sidecar = new RowNamesSidecar { Rows = result.Vectors.RowNames!, Keywords = result.Keywords, Source = dir }.WriteFor(path);

            long ones = 0;
            for (int i = 0; i < result.Vectors.Count; i++) ones += result.Vectors.Weight(i);
            double density = ones / ((double)result.Vectors.Count * result.Vectors.Dimensions);
            if (parse.GetValue(format) == OutputFormat.Table)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embedded {result.Vectors.Count} documents over {result.Keywords.Count} keywords (density {density:F3}) into {path}; row names and keywords in {sidecar}"));
                io.Out.WriteLine("keywords: " + string.Join(", ", result.Keywords.Take(20)) + (result.Keywords.Count > 20 ? $", ... ({result.Keywords.Count - 20} more)" : ""));
            }
            else
            {
                Document(dir, path, result.Vectors, "bow", sidecar, result.Skipped.Count)
                    .Add("density", density).Add("keywords", result.Keywords.ToList()).Add("documents_per_second", null)
                    .Write(io.Out, parse.GetValue(format));
            }

            if (list is null && result.Keywords.Count < options.Count)
            {
                io.Error.WriteLine($"note: only {result.Keywords.Count} words qualified (asked for {options.Count}); raise --max-df or lower --min-df for more");
            }

            string root = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal))
            {
                io.Error.WriteLine($"note: {path} is inside {dir}; embedding the folder again will meet it (binary files are skipped, text files are read as documents)");
            }

            if (result.Skipped.Count > 0)
            {
                io.Error.WriteLine($"skipped {result.Skipped.Count} file{(result.Skipped.Count == 1 ? "" : "s")}:");
                foreach (var skip in result.Skipped) io.Error.WriteLine($"  {skip.RelativePath}: {skip.Reason}");
            }

            foreach (var warning in result.Warnings) io.Error.WriteLine("warning: " + warning);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>subquad.embed/1: the folder read, the vectors written (the output object), the sidecar.</summary>
    private static ResultDocument Document(string dir, string path, Subquad.Core.Vectors.VectorSet vectors, string model, string sidecar, int skipped) =>
        new ResultDocument("embed")
            .Add("input", new Record { { "path", dir }, { "n", vectors.Count }, { "dim", null }, { "kind", "text" }, { "dtype", "text" } })
            .Add("output", Inputs.Of(path, vectors))
            .Add("model", model)
            .Add("row_names_file", sidecar)
            .Add("skipped_files", skipped);

    /// <summary>TF-IDF or MiniLM rows (Subquad.Embeddings) of the documents <see cref="TextFolder"/> reads.</summary>
    private static int EmbedDense(CliIO io, string dir, string path, string modelName, OutputFormat format)
    {
        if (!EmbeddingModels.TryParse(modelName, out var kind)) throw new UsageException($"--model {modelName}: use {EmbeddingModels.Names}");
        var (documents, skipped) = TextFolder.Read(dir);
        if (documents.Count == 0) throw new InputException(dir, null, "has no readable text documents");
        using var embedder = DocumentEmbedders.Create(kind, new DocumentEmbedderOptions { Tokenizer = Tokenizer.Tokens });
        var embedding = embedder.Embed(documents.Select(d => new Subquad.Embeddings.Documents.TextDocument(d.RelativePath, d.Text)).ToList());
        VectorFile.Write(path, embedding.Vectors);
        string sidecar = new RowNamesSidecar { Rows = embedding.Vectors.RowNames!, Keywords = [], Source = dir }.WriteFor(path);
        if (format == OutputFormat.Table)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embedded {embedding.Vectors.Count} documents with {modelName} into {embedding.Vectors.Dimensions} dimensions ({embedding.DocumentsPerSecond:F1} documents/s) into {path}; row names in {sidecar}"));
        }
        else
        {
            Document(dir, path, embedding.Vectors, modelName, sidecar, skipped.Count)
                .Add("density", null).Add("keywords", null).Add("documents_per_second", embedding.DocumentsPerSecond)
                .Write(io.Out, format);
        }

        foreach (int row in embedding.ZeroRows) io.Error.WriteLine($"warning: {embedding.Vectors.NameOf(row)} embeds to a zero vector (no terms); cosine problems will reject it");
        if (skipped.Count > 0)
        {
            io.Error.WriteLine($"skipped {skipped.Count} file{(skipped.Count == 1 ? "" : "s")}:");
            foreach (var skip in skipped) io.Error.WriteLine($"  {skip.RelativePath}: {skip.Reason}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Refuses an output (or its sidecar) that is one of the inputs: a document of the folder or the keyword file.</summary>
    private static void RefuseInputs(string folder, string output, string? keywordFile)
    {
        string root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        foreach (var target in new[] { Path.GetFullPath(output), RowNamesSidecar.PathFor(output) })
        {
            if (keywordFile is not null && string.Equals(target, Path.GetFullPath(keywordFile), StringComparison.Ordinal))
            {
                throw new UsageException($"{target} is the keyword file; refusing to overwrite an input");
            }

            if (target.StartsWith(root, StringComparison.Ordinal) && File.Exists(target))
            {
                throw new UsageException($"{target} is a document inside {folder}; refusing to overwrite an input (write the vectors outside the folder)");
            }
        }
    }
}
