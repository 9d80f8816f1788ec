using System.Globalization;
using System.Numerics;
using System.Text;

namespace Subquad.Core.IO;

/// <summary>
/// The Python literal a <c>.npy</c> header holds, read the way numpy reads it (<c>ast.literal_eval</c> of the text):
/// a dict of string keys, the last of duplicate keys winning, with strings (quoted either way, escapes, adjacent
/// literals joined), integers (any base, underscores, a sign; <c>3L</c> in versions 1 and 2 as numpy's Python 2
/// filter allows), floats, True/False/None, tuples, lists and nested dicts, whitespace, newlines and comments.
/// </summary>
/// <remarks>
/// One left-to-right pass with a nesting limit, so its cost is linear in the header (the regex parser it replaces was
/// quadratic: a 4 MB header of "'shape': (" repeats took 23 s) and a hostile header cannot exhaust the stack.
/// Anything outside this grammar is an error, and so is everything numpy's literal_eval rejects that the tests know
/// of; a value numpy would accept that is not a dict with exactly the three keys is rejected by
/// <see cref="NpyHeader"/>, as numpy rejects it.
/// </remarks>
internal sealed class NpyHeaderLiteral
{
    /// <summary>Deepest nesting of brackets accepted (numpy's own limit is Python's recursion limit).</summary>
    public const int MaxDepth = 100;

    private readonly string _text;
    private readonly bool _python2Longs;
    private int _at;

    private NpyHeaderLiteral(string text, bool python2Longs)
    {
        _text = text;
        _python2Longs = python2Longs;
    }

    /// <summary>A parsed value: string, BigInteger, double (floats and complex alike), bool, null (None), or a list for tuple/list, or a dict.</summary>
    public sealed record Value(ValueKind Kind, object? Scalar = null, IReadOnlyList<Value>? Items = null, IReadOnlyList<KeyValuePair<Value, Value>>? Entries = null);

    /// <summary>The kinds of <see cref="Value"/>.</summary>
    public enum ValueKind
    {
        String,
        Bytes,
        Integer,
        Float,
        Boolean,
        None,
        Tuple,
        List,
        Dict,
    }

    /// <summary>Parses <paramref name="text"/>; returns null and sets <paramref name="error"/> when it is not a literal.</summary>
    public static Value? TryParse(string text, bool python2Longs, out string? error)
    {
        var parser = new NpyHeaderLiteral(text, python2Longs);
        try
        {
            // literal_eval strips leading spaces and tabs; blank lines and comments are the tokenizer's.
            parser.SkipSpace(insideBrackets: true);
            var value = parser.ParseValue(0);
            parser.SkipSpace(insideBrackets: true);
            if (parser._at < text.Length) throw parser.Fail("unexpected text after the literal");
            error = null;
            return value;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private Value ParseValue(int depth)
    {
        if (depth > MaxDepth) throw Fail($"nested deeper than {MaxDepth} levels");
        SkipSpace(true);
        if (_at >= _text.Length) throw Fail("the header ends inside the literal");
        char c = _text[_at];
        switch (c)
        {
            case '{':
                return ParseDict(depth);
            case '(':
                return ParseSequence(depth, ')', ValueKind.Tuple);
            case '[':
                return ParseSequence(depth, ']', ValueKind.List);
            case '\'' or '"':
                return ParseStrings();
            case '+' or '-':
                {
                    // literal_eval allows one sign directly before a number literal, nothing else.
                    _at++;
                    SkipSpace(true);
                    if (!(char.IsAsciiDigit(Peek()) || (Peek() == '.' && _at + 1 < _text.Length && char.IsAsciiDigit(_text[_at + 1])))) throw Fail($"'{c}' before something that is not a number");
                    var operand = ParseNumber();
                    if (c == '+') return operand;
                    return operand.Kind == ValueKind.Integer
                        ? new Value(ValueKind.Integer, -(BigInteger)operand.Scalar!)
                        : new Value(ValueKind.Float, -(double)operand.Scalar!);
                }

            default:
                if (char.IsAsciiDigit(c) || (c == '.' && _at + 1 < _text.Length && char.IsAsciiDigit(_text[_at + 1]))) return ParseNumber();
                if (IsIdentifierStart(c)) return ParseName();
                throw Fail($"unexpected character {Show(c)}");
        }
    }

    private Value ParseDict(int depth)
    {
        _at++;
        var entries = new List<KeyValuePair<Value, Value>>();
        while (true)
        {
            SkipSpace(true);
            if (Peek() == '}')
            {
                _at++;
                return new Value(ValueKind.Dict, Entries: entries);
            }

            var key = ParseValue(depth + 1);
            SkipSpace(true);
            if (Peek() != ':')
            {
                // A set literal ({1, 2}) is a literal too, but never a header.
                throw Fail("expected ':' after a dict key");
            }

            _at++;
            var value = ParseValue(depth + 1);
            entries.Add(new(key, value));
            SkipSpace(true);
            char next = Peek();
            if (next == ',')
            {
                _at++;
                continue;
            }

            if (next != '}') throw Fail("expected ',' or '}' in the dict");
        }
    }

    private Value ParseSequence(int depth, char close, ValueKind kind)
    {
        _at++;
        var items = new List<Value>();
        bool sawComma = false;
        while (true)
        {
            SkipSpace(true);
            if (Peek() == close)
            {
                _at++;
                // (x) is x, not a tuple; (x,) and () are tuples.
                if (kind == ValueKind.Tuple && items.Count == 1 && !sawComma) return items[0];
                return new Value(kind, Items: items);
            }

            items.Add(ParseValue(depth + 1));
            SkipSpace(true);
            char next = Peek();
            if (next == ',')
            {
                _at++;
                sawComma = true;
                continue;
            }

            if (next != close) throw Fail($"expected ',' or '{close}'");
        }
    }

    /// <summary>One or more adjacent string literals (Python joins them); mixing str and bytes is an error, as in Python.</summary>
    private Value ParseStrings()
    {
        var text = new StringBuilder();
        bool? bytes = null;
        while (true)
        {
            bool isBytes = false, raw = false;
            while (_at < _text.Length && _text[_at] is 'b' or 'B' or 'r' or 'R' or 'u' or 'U')
            {
                isBytes |= _text[_at] is 'b' or 'B';
                raw |= _text[_at] is 'r' or 'R';
                _at++;
            }

            if (bytes is bool b && b != isBytes) throw Fail("cannot join a bytes literal and a string literal");
            bytes = isBytes;
            ReadQuoted(text, raw);
            int afterLiteral = _at;
            SkipSpace(true);
            if (Peek() is '\'' or '"' || IsStringPrefixAt(_at)) continue;
            _at = afterLiteral;
            break;
        }

        return new Value(bytes == true ? ValueKind.Bytes : ValueKind.String, text.ToString());
    }

    private bool IsStringPrefixAt(int at)
    {
        int k = at;
        while (k < _text.Length && k - at < 2 && _text[k] is 'b' or 'B' or 'r' or 'R' or 'u' or 'U') k++;
        return k > at && k < _text.Length && _text[k] is '\'' or '"';
    }

    private void ReadQuoted(StringBuilder into, bool raw)
    {
        char quote = _text[_at];
        bool triple = _at + 2 < _text.Length && _text[_at + 1] == quote && _text[_at + 2] == quote;
        _at += triple ? 3 : 1;
        while (true)
        {
            if (_at >= _text.Length) throw Fail("a string literal is not closed");
            char c = _text[_at];
            if (c == quote && (!triple || (_at + 2 < _text.Length && _text[_at + 1] == quote && _text[_at + 2] == quote)))
            {
                _at += triple ? 3 : 1;
                return;
            }

            if (!triple && c == '\n') throw Fail("a string literal is not closed before the end of the line");
            if (c == '\\' && _at + 1 < _text.Length)
            {
                char e = _text[_at + 1];
                if (raw)
                {
                    into.Append(c).Append(e);
                    _at += 2;
                    continue;
                }

                _at += 2;
                switch (e)
                {
                    case '\n': break;
                    case '\\': into.Append('\\'); break;
                    case '\'': into.Append('\''); break;
                    case '"': into.Append('"'); break;
                    case 'n': into.Append('\n'); break;
                    case 't': into.Append('\t'); break;
                    case 'r': into.Append('\r'); break;
                    case 'a': into.Append('\a'); break;
                    case 'b': into.Append('\b'); break;
                    case 'f': into.Append('\f'); break;
                    case 'v': into.Append('\v'); break;
                    case 'x': into.Append((char)Hex(2)); break;
                    case 'u': into.Append((char)Hex(4)); break;
                    case 'U': into.Append(char.ConvertFromUtf32(Hex(8))); break;
                    case >= '0' and <= '7':
                        {
                            int value = e - '0';
                            for (int k = 0; k < 2 && _at < _text.Length && _text[_at] is >= '0' and <= '7'; k++) value = (value * 8) + (_text[_at++] - '0');
                            into.Append((char)value);
                            break;
                        }

                    case 'N': throw Fail("named escapes (\\N{...}) are not supported in a .npy header");
                    default: into.Append('\\').Append(e); break;
                }

                continue;
            }

            into.Append(c);
            _at++;
        }
    }

    private int Hex(int digits)
    {
        if (_at + digits > _text.Length) throw Fail("a truncated \\x/\\u escape");
        if (!int.TryParse(_text.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value) || value > 0x10FFFF)
        {
            throw Fail("a bad \\x/\\u escape");
        }

        _at += digits;
        return value;
    }

    private Value ParseNumber()
    {
        int start = _at;
        Value value;
        if (_text[_at] == '0' && _at + 1 < _text.Length && _text[_at + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            int radix = _text[_at + 1] is 'x' or 'X' ? 16 : _text[_at + 1] is 'o' or 'O' ? 8 : 2;
            _at += 2;
            value = new Value(ValueKind.Integer, Digits(radix, leadingUnderscore: true));
        }
        else
        {
            int intStart = _at;
            Digits(10, leadingUnderscore: false);
            bool isFloat = false;
            if (Peek() == '.')
            {
                isFloat = true;
                _at++;
                if (char.IsAsciiDigit(Peek())) Digits(10, leadingUnderscore: false);
            }

            if (Peek() is 'e' or 'E')
            {
                int mark = _at;
                _at++;
                if (Peek() is '+' or '-') _at++;
                if (char.IsAsciiDigit(Peek()))
                {
                    Digits(10, leadingUnderscore: false);
                    isFloat = true;
                }
                else
                {
                    _at = mark;
                }
            }

            if (Peek() is 'j' or 'J')
            {
                _at++;
                isFloat = true;
            }

            string digits = _text[intStart.._at].Replace("_", "", StringComparison.Ordinal);
            if (isFloat)
            {
                value = new Value(ValueKind.Float, double.TryParse(digits.TrimEnd('j', 'J'), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN);
            }
            else
            {
                // Python 3 forbids leading zeros on nonzero decimals ("007").
                if (digits.Length > 1 && digits[0] == '0' && digits.Any(ch => ch != '0')) throw Fail("leading zeros in a decimal integer");
                value = new Value(ValueKind.Integer, BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        if (_at < _text.Length && IsIdentifierChar(_text[_at]))
        {
            // "3L": Python 2's long suffix, which numpy filters out of version 1 and 2 headers.
            if (_python2Longs && value.Kind == ValueKind.Integer && _text[_at] == 'L' && (_at + 1 >= _text.Length || !IsIdentifierChar(_text[_at + 1])))
            {
                _at++;
                return value;
            }

            throw Fail($"a malformed number '{_text[start..Math.Min(_text.Length, _at + 1)]}'");
        }

        if (_python2Longs && value.Kind == ValueKind.Integer)
        {
            int mark = _at;
            SkipSpace(true);
            if (Peek() == 'L' && (_at + 1 >= _text.Length || !IsIdentifierChar(_text[_at + 1]))) _at++;
            else _at = mark;
        }

        return value;
    }

    private BigInteger Digits(int radix, bool leadingUnderscore)
    {
        BigInteger value = BigInteger.Zero;
        int count = 0;
        bool lastUnderscore = false;
        if (leadingUnderscore && Peek() == '_')
        {
            _at++;
            lastUnderscore = true;
        }

        while (_at < _text.Length)
        {
            char c = _text[_at];
            if (c == '_')
            {
                if (lastUnderscore || count == 0 && !leadingUnderscore) throw Fail("a misplaced '_' in a number");
                lastUnderscore = true;
                _at++;
                continue;
            }

            int digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= radix)
            {
                if (radix != 16 && char.IsAsciiDigit(c)) throw Fail($"digit {c} in a base-{radix} number");
                break;
            }

            if (count > 400) throw Fail("an integer of more than 400 digits");
            value = (value * radix) + digit;
            count++;
            lastUnderscore = false;
            _at++;
        }

        if (count == 0 || lastUnderscore) throw Fail("a malformed number");
        return value;
    }

    private Value ParseName()
    {
        int start = _at;
        while (_at < _text.Length && IsIdentifierChar(_text[_at])) _at++;
        string name = _text[start.._at];
        if (IsStringPrefix(name) && Peek() is '\'' or '"')
        {
            _at = start;
            return ParseStrings();
        }

        return name switch
        {
            "True" => new Value(ValueKind.Boolean, true),
            "False" => new Value(ValueKind.Boolean, false),
            "None" => new Value(ValueKind.None),
            _ => throw Fail($"'{Shorten(name)}' is not a literal"),
        };
    }

    private static bool IsStringPrefix(string name) =>
        name.Length <= 2 && name.All(ch => ch is 'b' or 'B' or 'r' or 'R' or 'u' or 'U')
        && name.ToLowerInvariant() is "b" or "r" or "u" or "br" or "rb";

    /// <summary>Skips spaces, tabs, form feeds, newlines (inside brackets), line continuations and comments.</summary>
    private void SkipSpace(bool insideBrackets)
    {
        while (_at < _text.Length)
        {
            char c = _text[_at];
            if (c is ' ' or '\t' or '\f' or '\r' || (insideBrackets && c == '\n'))
            {
                _at++;
            }
            else if (c == '\\' && _at + 1 < _text.Length && _text[_at + 1] == '\n')
            {
                _at += 2;
            }
            else if (c == '#')
            {
                while (_at < _text.Length && _text[_at] != '\n') _at++;
            }
            else
            {
                break;
            }
        }
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c > 127 && char.IsLetter(c);

    private static bool IsIdentifierChar(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    private FormatException Fail(string what) => new(string.Create(CultureInfo.InvariantCulture, $"{what} at character {_at}"));

    private static string Show(char c) => c < 32 || c == 127 ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : "'" + c + "'";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
