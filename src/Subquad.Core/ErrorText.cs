using System.Globalization;
using System.Text;

namespace Subquad.Core;

/// <summary>
/// Makes text from files and file names safe to print in a one-line message: control characters (C0, DEL, C1) and
/// the bidirectional overrides become visible escapes, so a hostile file name or field cannot move the cursor,
/// recolour the terminal, set its title, reorder what is shown, or add a line.
/// </summary>
public static class ErrorText
{
    /// <summary>
    /// The reason an <see cref="ArgumentException"/> gives, without the " (Parameter 'name')" that .NET appends to
    /// <see cref="Exception.Message"/>: a library's argument check shown to a user as one <c>error:</c> line.
    /// </summary>
    public static string Reason(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message;
        string suffix = exception.ParamName is { } name ? $" (Parameter '{name}')" : "";
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>The text with every control character written as <c>\n</c>, <c>\t</c>, <c>\r</c>, <c>\e</c> or <c>\xNN</c> / <c>\u{NNNN}</c>.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first])) first++;
        if (first == text.Length) return text;
        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int k = first; k < text.Length; k++)
        {
            char c = text[k];
            if (!NeedsEscape(c))
            {
                builder.Append(c);
                continue;
            }

            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\x1b' => "\\e",
                < '\x100' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{{{(int)c:x4}}}"),
            });
        }

        return builder.ToString();
    }

    /// <summary>C0 controls, DEL, C1 controls, bidirectional embeddings/overrides/isolates, and line/paragraph separators.</summary>
    public static bool NeedsEscape(char c) =>
        c < ' ' || (c >= '\x7f' && c <= '\x9f') || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
        || c is '\u2028' or '\u2029' or '\u200e' or '\u200f' or '\u061c';
}
