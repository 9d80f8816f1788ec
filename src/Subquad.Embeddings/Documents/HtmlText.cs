using System.Net;
using System.Text.RegularExpressions;

namespace Subquad.Embeddings.Documents;

/// <summary>
/// The visible text of an HTML page, for <c>near-duplicates --strip-html</c>: two copies of a page that differ only in
/// markup (attributes, scripts, styles) are near-duplicates by their words, not by their tags. Not an HTML parser:
/// comments, script and style elements and tags are removed, entities decoded, whitespace collapsed.
/// </summary>
public static partial class HtmlText
{
    /// <summary>True for the extensions stripped: .html, .htm, .xhtml.</summary>
    public static bool IsHtml(string name) =>
        name.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".htm", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".xhtml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The text of <paramref name="html"/> without markup.</summary>
    public static string Strip(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        string text = Comments().Replace(html, " ");
        text = ScriptsAndStyles().Replace(text, " ");
        text = Tags().Replace(text, " ");
        text = WebUtility.HtmlDecode(text);
        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptsAndStyles();

    [GeneratedRegex("<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
