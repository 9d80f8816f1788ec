using System.Collections;
using System.Text.RegularExpressions;

namespace Subquad.Cli.Output;

/// <summary>
/// One JSON object of a result, its fields in the order they were added. Keys are checked when added: snake_case
/// (lower-case letters, digits, underscores, starting with a letter), so no verb can print another key style.
/// Values are null, bool, integers, floating point, strings, nested <see cref="Record"/>s, or lists of these.
/// </summary>
internal sealed partial class Record : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _fields = [];

    /// <summary>Adds a field; collection-initializer friendly.</summary>
    /// <exception cref="ArgumentException">The key is not snake_case or is already present.</exception>
    public Record Add(string key, object? value)
    {
        if (!IsSnakeCase(key)) throw new ArgumentException($"result key \"{key}\" is not snake_case", nameof(key));
        if (_fields.Exists(f => f.Key == key)) throw new ArgumentException($"result key \"{key}\" is given twice", nameof(key));
        _fields.Add(new(key, value));
        return this;
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public object? this[string key] => _fields.Find(f => f.Key == key).Value;

    /// <summary>The keys, in order.</summary>
    public IEnumerable<string> Keys => _fields.Select(f => f.Key);

    /// <summary>True for keys of the one schema: <c>^[a-z][a-z0-9]*(_[a-z0-9]+)*$</c>.</summary>
    public static bool IsSnakeCase(string key) => SnakeCase().IsMatch(key);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
