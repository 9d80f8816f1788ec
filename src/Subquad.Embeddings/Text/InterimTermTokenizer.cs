using System.Text;

namespace Subquad.Embeddings.Text;

/// <summary>
/// INTERIM: the word tokenizer BOW and TF-IDF use until the shared Unicode tokenizer of <c>Subquad.Core.Text</c> is
/// merged; then callers pass that tokenizer (a <c>Func&lt;string, IEnumerable&lt;string&gt;&gt;</c>) through
/// <see cref="Embedders.DocumentEmbedderOptions.Tokenizer"/> and this file is deleted.
/// </summary>
/// <remarks>
/// A term is a maximal run of Unicode letters, digits and combining marks, lower-cased with the invariant culture.
/// Everything else (spaces, punctuation, symbols, apostrophes) separates terms: "Don't stop" gives don, t, stop.
/// </remarks>
internal static class InterimTermTokenizer
{
    /// <summary>The terms of <paramref name="text"/> in order of appearance (with repeats).</summary>
    public static IEnumerable<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var term = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsTermRune(rune))
            {
                term.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (term.Length > 0)
            {
                yield return term.ToString();
                term.Clear();
            }
        }

        if (term.Length > 0) yield return term.ToString();
    }

    private static bool IsTermRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        System.Globalization.UnicodeCategory.UppercaseLetter or System.Globalization.UnicodeCategory.LowercaseLetter
            or System.Globalization.UnicodeCategory.TitlecaseLetter or System.Globalization.UnicodeCategory.ModifierLetter
            or System.Globalization.UnicodeCategory.OtherLetter or System.Globalization.UnicodeCategory.DecimalDigitNumber
            or System.Globalization.UnicodeCategory.LetterNumber or System.Globalization.UnicodeCategory.OtherNumber
            or System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark => true,
        _ => false,
    };
}
