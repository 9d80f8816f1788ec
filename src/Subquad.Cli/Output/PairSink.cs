using System.Globalization;
using System.Text;
using Subquad.Cli.Commands;
using Subquad.Core;
using Subquad.Core.IO;

namespace Subquad.Cli.Output;

/// <summary>
/// Where <c>solve --all</c> streams its pairs, one at a time, holding none of them: a CSV or <c>.npy</c> file, or
/// stdout as CSV, JSON Lines or plain lines. Disposing flushes what was written, so a cancelled run keeps its
/// partial output: a file sink moves it onto the target only after <see cref="Complete"/>, else beside it as
/// <c>NAME.partial.EXT</c> (<see cref="AtomicFile.PartialPathFor"/>), so a complete earlier result is never replaced.
/// </summary>
internal abstract class PairSink : IDisposable
{
    public long Count { get; protected set; }

    public abstract void Add(PairRow row);

    /// <summary>Marks the output as the complete result (the run finished or reached its --limit).</summary>
    public virtual void Complete()
    {
    }

    public virtual void Dispose()
    {
    }

    /// <summary>The sink for <c>-o</c> <paramref name="path"/> (by extension), or for stdout when null.</summary>
    public static PairSink Create(CliIO io, string? path, OutputFormat format)
    {
        if (path is null) return new TextSink(io.Out, format, ownsWriter: false);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".npy" => new NpySink(new NpyPairWriter(path, ScoresPathFor(path))),
            ".csv" => new FileTextSink(path),
            _ => throw new UsageException($"-o {path}: --all writes .csv or .npy files"),
        };
    }

    /// <summary>Where <c>--all -o pairs.npy</c> writes the scores: <c>pairs.scores.npy</c>, float64, one per pair, in the same order.</summary>
    public static string ScoresPathFor(string pairsPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pairsPath)) ?? ".", Path.GetFileNameWithoutExtension(pairsPath) + ".scores.npy");

    private sealed class NpySink(NpyPairWriter writer) : PairSink
    {
        public override void Complete() => writer.Complete();

        public override void Add(PairRow row)
        {
            writer.Add(row.I, row.J, row.Score.Value);
            Count++;
        }

        public override void Dispose() => writer.Dispose();
    }

    private sealed class TextSink : PairSink
    {
        private readonly TextWriter _writer;
        private readonly OutputFormat _format;
        private readonly bool _ownsWriter;

        public TextSink(TextWriter writer, OutputFormat format, bool ownsWriter)
        {
            _writer = writer;
            _format = format;
            _ownsWriter = ownsWriter;
            if (format == OutputFormat.Csv) writer.WriteLine(string.Join(',', AnswerPrinter.StreamKeys));
        }

        public override void Add(PairRow row)
        {
            switch (_format)
            {
                case OutputFormat.Csv:
                    _writer.WriteLine(string.Join(',', AnswerPrinter.PairRecord(row, null).Select(f => CsvField.Quote(ResultDocument.CsvCell(f.Value)))));
                    break;
                case OutputFormat.Json:
                    // JSON Lines: one schema pair row per line (no rank: the stream is in (i, j) order).
                    _writer.WriteLine(ResultDocument.CompactJson(AnswerPrinter.PairRecord(row, null)));
                    break;
                default:
                    string names = row.NameI is null && row.NameJ is null ? "" : $"  {row.NameI ?? row.I.ToString(CultureInfo.InvariantCulture)}  {row.NameJ ?? row.J.ToString(CultureInfo.InvariantCulture)}";
                    _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({row.I}, {row.J}){names}  {row.Score.Value:G9}"));
                    break;
            }

            Count++;
        }

        public override void Dispose()
        {
            _writer.Flush();
            if (_ownsWriter) _writer.Dispose();
        }
    }

    /// <summary>CSV into a temporary sibling, renamed on dispose: onto the target when complete, else onto its .partial name.</summary>
    private sealed class FileTextSink : PairSink
    {
        private readonly string _path;
        private readonly string _temp;
        private readonly TextSink _inner;

        public FileTextSink(string path)
        {
            _path = AtomicFile.Prepare(path);
            _temp = AtomicFile.TempPathFor(_path);
            var writer = new StreamWriter(_temp, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            _inner = new TextSink(writer, OutputFormat.Csv, ownsWriter: true);
        }

        public override void Add(PairRow row)
        {
            _inner.Add(row);
            Count++;
        }

        private bool _complete;

        public override void Complete() => _complete = true;

        public override void Dispose()
        {
            _inner.Dispose();
            AtomicFile.Commit(_temp, _path, _complete);
        }
    }
}
