using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Subquad.Cli.Commands;
using Subquad.Cli.Output;
using Record = Subquad.Cli.Output.Record;

namespace Subquad.Cli.Tests;

/// <summary>
/// The one output schema (docs/formats.md, issue 16): every verb's JSON carries "schema": "subquad.VERB/1",
/// snake_case keys and typed values, and its CSV has the JSON row keys as columns with the same values.
/// </summary>
public sealed class SchemaTests : IClassFixture<SchemaTests.Files>
{
    private readonly Files _files;

    public SchemaTests(Files files) => _files = files;

    /// <summary>Small inputs every verb can run on in well under a second.</summary>
    public sealed class Files : IDisposable
    {
        public Files()
        {
            Root = Directory.CreateTempSubdirectory("subquad-schema-").FullName;
            CliHarness.Ok("generate", "random", "--n", "40", "--dim", "64", "--density", "0.3", "--seed", "2", "-o", File("b.npy"));
            CliHarness.Ok("generate", "random", "--n", "30", "--dim", "16", "--dense", "--seed", "3", "-o", File("d.npy"));
            Directory.CreateDirectory(File("corpus"));
            System.IO.File.WriteAllText(System.IO.Path.Combine(File("corpus"), "a.txt"), "apples and pears grow on trees in the garden");
            System.IO.File.WriteAllText(System.IO.Path.Combine(File("corpus"), "b.txt"), "apples and pears grow on trees in the garden");
            System.IO.File.WriteAllText(System.IO.Path.Combine(File("corpus"), "c.txt"), "a computer with a keyboard and a screen");
            System.IO.File.WriteAllText(File("f.cnf"), "p cnf 3 2\n1 2 0\n-1 3 0\n");
        }

        public string Root { get; }

        public string File(string name) => System.IO.Path.Combine(Root, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A cheap run of each verb that prints a document (the arguments before --format), and where its CSV rows are.</summary>
    private Dictionary<string, (string[] Args, string? RowsKey, int[] Codes)> Verbs() => new()
    {
        ["solve"] = (["solve", _files.File("b.npy"), "-p", "msd", "--top", "3"], "pairs", [0]),
        ["solve-dense"] = (["solve", _files.File("d.npy"), "-p", "lsd"], "pairs", [0]),
        ["solve-all"] = (["solve", _files.File("b.npy"), "-p", "maxip", "-t", "8", "--all", "-o", _files.File("pairs.npy"), "--force"], null, [0]),
        ["info"] = (["info", _files.File("b.npy")], null, [0]),
        ["info-machine"] = (["info"], null, [0]),
        ["bench"] = (["bench", "--n", "60,120", "--dim", "64", "--problem", "msd", "--repeat", "2"], "rows", [0]),
        ["near-duplicates"] = (["near-duplicates", _files.File("corpus"), "-t", "0.5"], "pairs", [0]),
        ["near-duplicates-groups"] = (["near-duplicates", _files.File("corpus"), "-t", "0.5", "--groups"], "groups", [0]),
        ["generate"] = (["generate", "planted", "--n", "20", "--dim", "32", "--seed", "1", "--force", "-o", _files.File("g.npy")], null, [0]),
        ["generate-ksat"] = (["generate", "ksat", "--vars", "5", "--clauses", "10", "--force", "-o", _files.File("g.cnf")], null, [0]),
        ["embed"] = (["embed", _files.File("corpus"), "-o", _files.File("e.npy"), "--keywords", "8", "--force"], null, [0]),
        ["reduce"] = (["reduce", _files.File("f.cnf"), "--to", "ov", "-o", _files.File("reduced"), "--force"], "files", [0]),
        ["sat"] = (["sat", _files.File("f.cnf")], "stages", [ExitCodes.Satisfiable]),
        ["search"] = (["search", _files.File("b.npy"), "--corpus", _files.File("b.npy"), "-k", "3"], "results", [0]),
        ["search-dense"] = (["search", _files.File("d.npy"), "--corpus", _files.File("d.npy"), "-k", "50", "-p", "maxip"], "results", [0]),
        ["transformer"] = (["transformer", _files.File("b.npy"), "--problem", "lsd", "--threshold", "0.1", "--check"], null, [0]),
    };

    public static TheoryData<string> Cases() => new(
        "solve", "solve-dense", "solve-all", "info", "info-machine", "bench", "near-duplicates", "near-duplicates-groups",
        "generate", "generate-ksat", "embed", "reduce", "sat", "search", "search-dense", "transformer");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Json_And_Csv_FollowTheSchema(string name)
    {
        var (args, rowsKey, codes) = Verbs()[name];
        string verb = args[0];
        var json = Run([.. args, "--format", "json"], codes);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(ResultDocument.SchemaOf(verb), root.GetProperty("schema").GetString());
        AssertSnakeCase(root, "$");
        if (root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in new[] { "path", "n", "dim", "kind", "dtype" }.Where(k => verb is not ("sat" or "reduce")))
            {
                Assert.True(input.TryGetProperty(key, out _), $"{name}: input has no {key}");
            }
        }

        var csv = ParseCsv(Run([.. args, "--format", "csv"], codes));
        Assert.NotEmpty(csv);
        var rows = rowsKey is null
            ? [Flatten(root).Where(f => f.Key != "schema").ToList()]
            : root.GetProperty(rowsKey).EnumerateArray().Select(r => Flatten(r).ToList()).ToList();
        var expectedHeader = rows.SelectMany(r => r.Select(f => f.Key)).Distinct().ToList();
        if (rows.Count > 0) Assert.Equal(expectedHeader, csv[0]);
        Assert.Equal(rows.Count, csv.Count - 1);
        for (int r = 0; r < rows.Count; r++)
        {
            foreach (var (key, value) in rows[r])
            {
                string cell = csv[r + 1][csv[0].IndexOf(key)];
                if (IsMeasurement(key)) continue; // times and rates differ between the two runs
                switch (value.ValueKind)
                {
                    case JsonValueKind.Null:
                        Assert.Equal("", cell);
                        break;
                    case JsonValueKind.True:
                    case JsonValueKind.False:
                        Assert.Equal(value.ValueKind == JsonValueKind.True ? "true" : "false", cell);
                        break;
                    case JsonValueKind.Number:
                        Assert.Equal(value.GetDouble(), double.Parse(cell, CultureInfo.InvariantCulture));
                        break;
                    case JsonValueKind.String:
                        Assert.Equal(value.GetString(), cell);
                        break;
                    default:
                        Assert.Equal(JsonSerializer.Serialize(value), cell);
                        break;
                }
            }
        }
    }

    public static TheoryData<string> AllVerbs()
    {
        var root = SubquadApp.Build(new CliIO(TextWriter.Null, TextWriter.Null, false));
        return new TheoryData<string>(root.Subcommands.Select(c => c.Name));
    }

    /// <summary>
    /// Every verb in the command tree: its JSON keys are snake_case. Verbs with no cheap run here (the transformer
    /// sweeps, the duel, the demo) are skipped with the reason; their owners test their documents, and every
    /// document built with <see cref="Record"/> refuses a key that is not snake_case when it is written.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllVerbs))]
    public void EveryVerb_JsonKeysAreSnakeCase(string verb)
    {
        var runs = Verbs().Where(v => v.Value.Args[0] == verb).ToList();
        if (runs.Count == 0) Assert.Skip($"{verb}: no run cheap enough for a unit test here; its owner's tests check its schema");
        foreach (var (_, (args, _, codes)) in runs)
        {
            using var document = JsonDocument.Parse(Run([.. args, "--format", "json"], codes));
            AssertSnakeCase(document.RootElement, verb);
        }
    }

    [Theory]
    [InlineData("my_key", true)]
    [InlineData("time_ms", true)]
    [InlineData("ci95_low", true)]
    [InlineData("pairsPerSecond", false)]
    [InlineData("Time", false)]
    [InlineData("d (raw)", false)]
    [InlineData("a__b", false)]
    [InlineData("_a", false)]
    [InlineData("a-b", false)]
    public void Record_RefusesKeysThatAreNotSnakeCase(string key, bool valid)
    {
        Assert.Equal(valid, Record.IsSnakeCase(key));
        if (valid) new Record().Add(key, 1);
        else Assert.Throws<ArgumentException>(() => new Record().Add(key, 1));
    }

    [Fact]
    public void Csv_WritesRoundTripFloats_LowercaseBooleans_AndEmptyNulls()
    {
        var document = new ResultDocument("test", "rows");
        document.Add("rows", new List<Record> { new() { { "x", 0.1 + 0.2 }, { "ok", true }, { "none", null }, { "name", "a,\"b\"" } } });
        var lines = document.ToCsv().Split('\n');
        Assert.Equal("x,ok,none,name", lines[0]);
        Assert.Equal("0.30000000000000004,true,,\"a,\"\"b\"\"\"", lines[1]);
        Assert.Equal(0.1 + 0.2, double.Parse(lines[1].Split(',')[0], CultureInfo.InvariantCulture));
        Assert.Contains("\"x\": 0.30000000000000004", document.ToJson(indented: true), StringComparison.Ordinal);
        Assert.Contains("\"none\": null", document.ToJson(indented: true), StringComparison.Ordinal);
    }

    [Fact]
    public void FormatYaml_IsAOneLineUsageError()
    {
        var result = CliHarness.Run("solve", _files.File("b.npy"), "-p", "msd", "--format", "yaml");
        Assert.Equal(ExitCodes.Usage, result.Code);
        Assert.Equal("", result.Out);
        Assert.Contains("--format yaml: expected table, json or csv", result.ErrorLine, StringComparison.Ordinal);
        Assert.DoesNotContain("OutputFormat", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVerbs))]
    public void Help_EndsWithExamples_AndShowsLowercaseFormats(string verb)
    {
        var help = CliHarness.Ok(verb, "--help").Out.TrimEnd();
        int examples = help.LastIndexOf("Examples:", StringComparison.Ordinal);
        Assert.True(examples > 0, $"{verb} --help has no Examples section");
        var lines = help[examples..].Split('\n').Skip(1).ToList();
        Assert.InRange(lines.Count, 2, 3);
        Assert.All(lines, l => Assert.StartsWith("  subquad " + verb, l, StringComparison.Ordinal));
        Assert.DoesNotContain("[default: Table]", help, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryShortOption_MeansOneLongOption_AcrossVerbs()
    {
        var root = SubquadApp.Build(new CliIO(TextWriter.Null, TextWriter.Null, false));
        var meaning = new Dictionary<string, (string Long, string Verb)>(StringComparer.Ordinal);
        foreach (var command in root.Subcommands.SelectMany(c => c.Subcommands.Prepend(c)))
        {
            foreach (var option in command.Options)
            {
                foreach (var alias in option.Aliases.Where(a => a.Length == 2 && a[0] == '-'))
                {
                    if (meaning.TryGetValue(alias, out var first)) Assert.True(first.Long == option.Name, $"{alias} is {first.Long} in {first.Verb} but {option.Name} in {command.Name}");
                    else meaning[alias] = (option.Name, command.Name);
                }
            }
        }

        Assert.Equal("--problem", meaning["-p"].Long);
        Assert.Equal("--output", meaning["-o"].Long);
    }

    [Fact]
    public void ShortOptionK_MeansTheNumberOfResults_Everywhere()
    {
        var root = SubquadApp.Build(new CliIO(TextWriter.Null, TextWriter.Null, false));
        foreach (var command in root.Subcommands.SelectMany(c => c.Subcommands.Prepend(c)))
        {
            foreach (var option in command.Options.Where(o => o.Aliases.Contains("-k")))
            {
                Assert.True(option.Name == "--top", $"{command.Name}: -k is {option.Name}; -k means --top (the number of results) in every verb");
            }
        }
    }

    [Fact]
    public void Sat_ReadsStdinAndGzip_AndAnswersUnknownWhenTheRouteDoesNotFit()
    {
        string text = File.ReadAllText(_files.File("f.cnf"));
        var output = new StringWriter();
        int code = SubquadApp.Run(["sat", "-"], output, new StringWriter(), interactive: false, input: new StringReader(text));
        Assert.Equal(ExitCodes.Satisfiable, code);
        Assert.Contains("s SATISFIABLE", output.ToString(), StringComparison.Ordinal);

        using (var file = File.Create(_files.File("f.cnf.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.ASCII.GetBytes(text));
        }

        var gz = CliHarness.Run("sat", _files.File("f.cnf.gz"));
        Assert.Equal(ExitCodes.Satisfiable, gz.Code);
        File.WriteAllText(_files.File("bad.cnf.gz"), "not gzip");
        Assert.Equal(ExitCodes.BadInput, CliHarness.Run("sat", _files.File("bad.cnf.gz")).Code);

        // 30 variables through the ONNX transformer: 2^15 + 2^15 + 1 tokens, and the solver's estimate holds two
        // n x n float64 score buffers (TransformerSolver.PeakBytes): 2 x 65537^2 x 8 bytes = 64.0 GiB.
        CliHarness.Ok("generate", "ksat", "--vars", "30", "--clauses", "128", "--seed", "1", "--force", "-o", _files.File("big.cnf"));
        var unknown = CliHarness.Run("sat", _files.File("big.cnf"), "--via", "transformer", "--runtime", "onnx");
        Assert.Equal(0, unknown.Code);
        Assert.Contains("s UNKNOWN", unknown.Out, StringComparison.Ordinal);
        Assert.Contains("solver transformer (ONNX Runtime) 64.", unknown.Out, StringComparison.Ordinal);
        var budget = CliHarness.Run("sat", _files.File("big.cnf"), "--max-memory-gib", "0.0001", "--format", "json");
        Assert.Equal(0, budget.Code);
        Assert.Equal("unknown", JsonDocument.Parse(budget.Out).RootElement.GetProperty("status").GetString());
    }

    private static bool IsMeasurement(string key) =>
        key.Contains("time_ms", StringComparison.Ordinal) || key.Contains("per_second", StringComparison.Ordinal) || key.Contains("peak", StringComparison.Ordinal)
        || key.Contains("gflops", StringComparison.Ordinal) || key.Contains("working_set", StringComparison.Ordinal) || key.StartsWith("exponent", StringComparison.Ordinal)
        || key.StartsWith("ci95", StringComparison.Ordinal);

    private static string Run(string[] args, int[] codes)
    {
        var result = CliHarness.Run(args);
        Assert.True(codes.Contains(result.Code), $"{string.Join(' ', args)}: exit {result.Code}: {result.Err}");
        return result.Out;
    }

    private static void AssertSnakeCase(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Assert.True(Record.IsSnakeCase(property.Name), $"{path}.{property.Name} is not snake_case");
                AssertSnakeCase(property.Value, path + "." + property.Name);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) AssertSnakeCase(item, path + "[]");
        }
    }

    private static IEnumerable<KeyValuePair<string, JsonElement>> Flatten(JsonElement element, string prefix = "")
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in Flatten(property.Value, prefix + property.Name + ".")) yield return inner;
            }
            else
            {
                yield return new(prefix + property.Name, property.Value);
            }
        }
    }

    /// <summary>RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
