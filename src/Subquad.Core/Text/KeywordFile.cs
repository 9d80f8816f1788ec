using System.Text;

namespace Subquad.Core.Text;

/// <summary>
/// An explicit keyword list: one word per line, '#' starts a comment, blank lines ignored. Each word goes through
/// the <see cref="Tokenizer"/> (so "Apple" means "apple") and must be exactly one token; repeats are errors.
/// </summary>
public static class KeywordFile
{
    /// <summary>Reads the keywords of <paramref name="path"/> in file order.</summary>
    /// <exception cref="InputException">Missing file, a line that is not one word, a repeat, or no words at all.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        using var stream = IO.FileInput.Open(path);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        return Parse(reader, path);
    }

    /// <summary>Parses keyword lines; <paramref name="source"/> names them in messages.</summary>
    public static IReadOnlyList<string> Parse(TextReader reader, string? source)
    {
        var keywords = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            string text = (hash >= 0 ? line[..hash] : line).Trim();
            if (text.Length == 0) continue;
            var tokens = Tokenizer.Tokens(text).ToList();
            if (tokens.Count != 1)
            {
                throw new InputException(source, $"line {lineNumber}", $"'{text}' is not a single word; a keyword is one run of letters and digits");
            }

            if (seen.TryGetValue(tokens[0], out int earlier))
            {
                throw new InputException(source, $"line {lineNumber}", $"'{tokens[0]}' repeats the keyword on line {earlier}");
            }

            seen[tokens[0]] = lineNumber;
            keywords.Add(tokens[0]);
        }

        if (keywords.Count == 0) throw new InputException(source, null, "has no keywords (only blank lines and comments)");
        return keywords;
    }
}
