using System.Globalization;
using System.Text;

namespace Subquad.Core.Text;

/// <summary>
/// Splits text into the words of the paper's bag-of-words (paper.md 2.1): maximal runs of Unicode letters and
/// digits, lower-cased with the invariant culture. Everything else (spaces, punctuation, symbols) separates words.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Letters and digits are the Unicode categories L* and Nd (<see cref="Rune.IsLetterOrDigit"/>), read as whole
/// code points, so letters outside the BMP are not split. Other numbers (superscripts, fractions: No, Nl) separate.</item>
/// <item>Combining marks (Mn, Mc, Me) continue a word they follow, so "cafe" + U+0301 stays one word; a mark with no
/// word before it is a separator.</item>
/// <item>No stemming and no stop words: "apples" and "apple" are different words. The paper's example vector still
/// holds because its sentence contains both (see <see cref="BagOfWords"/>).</item>
/// </list>
/// </remarks>
public static class Tokenizer
{
    /// <summary>The words of <paramref name="text"/>, in order, repeats included.</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || (word.Length > 0 && IsMark(rune)))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }

            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0) yield return word.ToString();
    }

    /// <summary>The distinct words of <paramref name="text"/>.</summary>
    public static HashSet<string> DistinctTokens(string text) => new(Tokens(text), StringComparer.Ordinal);

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
