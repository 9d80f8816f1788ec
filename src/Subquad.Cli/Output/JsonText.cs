using System.Text.Encodings.Web;
using System.Text.Json;

namespace Subquad.Cli.Output;

/// <summary>
/// JSON writer settings for everything the CLI prints: file names and keywords in any script stay readable
/// ("café.txt", "&lt;f4") instead of \u escapes. The output is never embedded in HTML, so the relaxed encoder is safe.
/// </summary>
internal static class JsonText
{
    public static JsonWriterOptions Options(bool indented) => new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
