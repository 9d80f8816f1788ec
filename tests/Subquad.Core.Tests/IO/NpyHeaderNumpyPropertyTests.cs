using System.Globalization;
using System.Text;
using System.Text.Json;
using Subquad.Core.IO;

namespace Subquad.Core.Tests.IO;

/// <summary>
/// The .npy header literal parser against numpy itself: generated headers (key order, quoting, spacing, newlines,
/// comments, trailing commas, duplicate keys, Python 2 longs, integer bases, wrong types, wrong containers, missing
/// and extra keys, and random one-character edits of all of those) go through <c>numpy.lib.format</c>'s header
/// reader and through <see cref="NpyHeader.ParseFields"/>; both must accept the same headers and, where they
/// accept, read the same descr, fortran_order and shape. Skipped, with the reason, when python3-numpy is absent.
/// </summary>
public class NpyHeaderNumpyPropertyTests
{
    private static readonly string[] Descrs = ["<f4", "<f8", "|u1", "|b1", "<i4", ">f4", "<i8", "<u2"];

    [Fact]
    public void GeneratedHeaders_ParseExactlyAsNumpyParsesThem()
    {
        string python = FoundationTestData.RequireNumpy();
        var random = new Random(17);
        var cases = new List<(string Header, int Major)>();
        for (int k = 0; k < 1500; k++)
        {
            string header = Generate(random);
            if (random.Next(3) == 0) header = Mutate(random, header);
            int major = random.Next(10) switch { < 6 => 1, < 8 => 2, _ => 3 };
            cases.Add((header, major));
        }

        using var temp = new FoundationTestData.TempFolder();
        string input = temp.File("headers.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases.Select(c => new { h = c.Header, v = c.Major }).ToList()), new UTF8Encoding(false));
        string script = $$"""
            import io, json, struct, warnings
            import numpy as np
            from numpy.lib import format as fmt
            warnings.simplefilter('ignore')
            out = []
            for case in json.load(open('{{input}}', encoding='utf-8')):
                text, major = case['h'], case['v']
                raw = text.encode('utf-8' if major == 3 else 'latin1', errors='replace')
                # _read_array_header starts after the magic and version, at the header length.
                prefix = struct.pack('<H', len(raw)) if major == 1 else struct.pack('<I', len(raw))
                try:
                    shape, fortran, dtype = fmt._read_array_header(io.BytesIO(prefix + raw), (major, 0), max_header_size=1 << 20)
                    out.append({'ok': True, 'shape': [int(x) for x in shape], 'fortran': bool(fortran), 'descr': dtype.str})
                except Exception as e:
                    out.append({'ok': False, 'error': type(e).__name__ + ': ' + str(e)[:120]})
            print(json.dumps(out))
            """;
        var results = JsonDocument.Parse(FoundationTestData.RunPython(python, script)).RootElement;
        Assert.Equal(cases.Count, results.GetArrayLength());

        int accepted = 0;
        var disagreements = new List<string>();
        for (int k = 0; k < cases.Count; k++)
        {
            var (header, major) = cases[k];
            var numpy = results[k];
            bool numpyOk = numpy.GetProperty("ok").GetBoolean();
            (string? Descr, bool Fortran, long[] Shape)? ours = null;
            string? ourError = null;
            try
            {
                ours = NpyHeader.ParseFields(header, major, "h.npy");
            }
            catch (Core.InputException ex)
            {
                ourError = ex.Problem;
            }

            if (numpyOk) accepted++;
            // What Subquad would read in the end: the literal, then a dtype it knows (structured lists never).
            bool oursReads = ours is { Descr: { } d } && NpyDtype.TryParse(d, out _);
            if (numpyOk ? !ours.HasValue : oursReads)
            {
                disagreements.Add($"v{major} {JsonSerializer.Serialize(header)}: numpy {(numpyOk ? "accepts" : "rejects (" + numpy.GetProperty("error").GetString() + ")")}, ours {(ours.HasValue ? "accepts" : "rejects (" + ourError + ")")}");
                continue;
            }

            if (!numpyOk) continue;
            var shape = numpy.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var (descr, fortran, ourShape) = ours!.Value;
            string? canonical = descr is not null && NpyDtype.TryParse(descr, out var dtype) ? (dtype.Size == 1 ? "|" : dtype.BigEndian ? ">" : "<") + descr[1..] : null;
            if (!shape.SequenceEqual(ourShape) || fortran != numpy.GetProperty("fortran").GetBoolean() || (canonical is not null && canonical != numpy.GetProperty("descr").GetString()))
            {
                disagreements.Add($"v{major} {JsonSerializer.Serialize(header)}: numpy reads ({numpy.GetProperty("descr")}, {numpy.GetProperty("fortran")}, [{string.Join(",", shape)}]), ours ({descr}, {fortran}, [{string.Join(",", ourShape)}])");
            }
        }

        Assert.True(disagreements.Count == 0, disagreements.Count + " disagreements, first ones:\n" + string.Join("\n", disagreements.Take(15)));
        // The generator must exercise both sides: a property that only ever saw rejections would prove nothing.
        Assert.InRange(accepted, cases.Count / 5, cases.Count * 4 / 5);
    }

    [Fact]
    public void HeaderOfRepeatedShapeOpeners_IsRejectedInLinearTime()
    {
        // The regex parser took 23 s on 4 MB of this; the literal parser stops at the first bad token.
        string header = "{" + string.Concat(Enumerable.Repeat("'shape': (", 6000)) + "\n";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ex = Assert.Throws<Core.InputException>(() => NpyHeader.ParseFields(header, 1, "bomb.npy"));
        Assert.Contains("bomb.npy", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    private static string Q(Random random, string text) => random.Next(4) == 0 ? "\"" + text + "\"" : "'" + text + "'";

    private static string Space(Random random) => random.Next(6) switch
    {
        0 => "",
        1 => "  ",
        2 => "\n",
        3 => "\t",
        4 => " # note\n",
        _ => " ",
    };

    private static string Int(Random random, long value)
    {
        string text = random.Next(8) switch
        {
            0 => "0x" + value.ToString("x", CultureInfo.InvariantCulture),
            1 => "0o" + Convert.ToString(value, 8),
            2 when value >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture).Replace(",", "_", StringComparison.Ordinal),
            3 => "+" + value.ToString(CultureInfo.InvariantCulture),
            _ => value.ToString(CultureInfo.InvariantCulture),
        };
        return random.Next(10) == 0 ? text + "L" : text;
    }

    private static string Shape(Random random)
    {
        long Axis() => random.Next(4) == 0 ? random.Next(0, 3) : random.Next(1, 100_000);
        return random.Next(20) switch
        {
            0 => "()",
            1 => $"({Int(random, Axis())},)",
            2 => $"({Int(random, Axis())}, {Int(random, Axis())}, {Int(random, Axis())})",
            3 => $"[{Axis()}, {Axis()}]",
            4 => $"({Axis()})",
            5 => $"({Axis()}.0, {Axis()})",
            6 => $"(True, {Axis()})",
            7 => $"(({Int(random, Axis())}, {Int(random, Axis())}))",
            8 => $"(-{Axis()}, 3)",
            9 => "None",
            _ => $"({Int(random, Axis())},{Space(random)}{Int(random, Axis())}{(random.Next(3) == 0 ? "," : "")})",
        };
    }

    private static string Descr(Random random)
    {
        string descr = Descrs[random.Next(Descrs.Length)];
        return random.Next(20) switch
        {
            0 => Q(random, descr[..1]) + " " + Q(random, descr[1..]),
            1 => "b'" + descr + "'",
            2 => "[('a', '<f4')]",
            3 => "3",
            _ => Q(random, descr),
        };
    }

    private static string Fortran(Random random) => random.Next(12) switch
    {
        0 => "True",
        1 => "1",
        2 => "'False'",
        3 => "None",
        _ => "False",
    };

    private static string Generate(Random random)
    {
        var entries = new List<string>
        {
            $"{Q(random, "descr")}:{Space(random)}{Descr(random)}",
            $"{Q(random, "fortran_order")}:{Space(random)}{Fortran(random)}",
            $"{Q(random, "shape")}:{Space(random)}{Shape(random)}",
        };
        switch (random.Next(12))
        {
            case 0: entries.Insert(random.Next(entries.Count + 1), $"{Q(random, "shape")}: {Shape(random)}"); break; // duplicate: the later one counts
            case 1: entries.Insert(0, $"{Q(random, "descr")}: 1.5"); break; // a wrong value overridden by a later right one
            case 2: entries.Add($"{Q(random, "extra")}: 1"); break;
            case 3: entries.RemoveAt(random.Next(entries.Count)); break;
            default: break;
        }

        entries = [.. entries.OrderBy(_ => random.Next())];
        string body = "{" + Space(random) + string.Join("," + Space(random), entries) + (random.Next(2) == 0 ? ", " : "") + Space(random) + "}";
        return random.Next(15) switch
        {
            0 => "[1, 2]",
            1 => body.TrimEnd('}'),
            2 => "  " + body + "\n",
            _ => body + new string(' ', random.Next(0, 40)) + "\n",
        };
    }

    private static string Mutate(Random random, string header)
    {
        const string alphabet = ",:()[]{}'\" \nL#0-_.x";
        int at = random.Next(header.Length + 1);
        return random.Next(3) switch
        {
            0 when at < header.Length => header.Remove(at, 1),
            1 => header.Insert(at, alphabet[random.Next(alphabet.Length)].ToString()),
            _ when at < header.Length => header.Remove(at, 1).Insert(at, alphabet[random.Next(alphabet.Length)].ToString()),
            _ => header,
        };
    }
}
