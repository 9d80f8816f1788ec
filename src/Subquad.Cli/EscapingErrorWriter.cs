using System.Text;
using Subquad.Core;

namespace Subquad.Cli;

/// <summary>
/// The stderr writer every command gets: each line written through it has its control characters escaped
/// (<see cref="ErrorText.Escape"/>), so an error that quotes a file name or a field cannot inject terminal escapes
/// or split into several lines. Line ends written by WriteLine are the only raw newlines; a progress display that
/// needs carriage returns draws through its own console, not this writer.
/// </summary>
internal sealed class EscapingErrorWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public TextWriter Inner => inner;

    public override void Write(char value) => inner.Write(ErrorText.NeedsEscape(value) && value != '\n' ? ErrorText.Escape(value.ToString()) : value.ToString());

    public override void Write(string? value) => inner.Write(EscapeKeepingNewlines(value));

    /// <summary>An <c>error:</c> or <c>warning:</c> line is one line whatever it quotes; other text keeps its own line breaks.</summary>
    public override void WriteLine(string? value) =>
        inner.WriteLine(value is not null && (value.StartsWith("error: ", StringComparison.Ordinal) || value.StartsWith("warning: ", StringComparison.Ordinal))
            ? ErrorText.Escape(value)
            : EscapeKeepingNewlines(value));

    public override void WriteLine() => inner.WriteLine();

    public override void Flush() => inner.Flush();

    private static string EscapeKeepingNewlines(string? value)
    {
        if (value is null || !value.Any(ErrorText.NeedsEscape)) return value ?? "";
        return string.Join('\n', value.Split('\n').Select(ErrorText.Escape));
    }
}
