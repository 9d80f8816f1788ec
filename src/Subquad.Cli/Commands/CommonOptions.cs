using System.CommandLine;

namespace Subquad.Cli.Commands;

/// <summary>Options shared by several verbs.</summary>
internal static class CommonOptions
{
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print stack traces for internal errors.",
        Recursive = true,
    };

    /// <summary>--header: the first row of CSV/TSV/text vector input is a header (every verb that reads vectors).</summary>
    public static Option<bool> Header { get; } = new("--header")
    {
        Description = "CSV/TSV/.txt vector input: the first row is a header (default: a header only when none of its fields is a number).",
        Recursive = true,
    };

    /// <summary>--no-header: the first row of CSV/TSV/text vector input is data (a bad field there is an error naming line 1).</summary>
    public static Option<bool> NoHeader { get; } = new("--no-header")
    {
        Description = "CSV/TSV/.txt vector input: the first row is data, never a header.",
        Recursive = true,
    };

    /// <summary>
    /// --format table|json|csv, typed lowercase as help shows it. A value outside the three gets a one-line usage
    /// error naming them (the default enum parser would name the .NET type).
    /// </summary>
    public static Option<OutputFormat> Format() => new("--format")
    {
        Description = "Result format: table (default), json or csv (docs/formats.md: one schema for every verb).",
        HelpName = "table|json|csv",
        // No DefaultValueFactory: help would print the default as the enum's name ("Table"); absent, the value is
        // default(OutputFormat) = Table, and the description says so in lower case.
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
            switch (text.ToLowerInvariant())
            {
                case "table":
                    return OutputFormat.Table;
                case "json":
                    return OutputFormat.Json;
                case "csv":
                    return OutputFormat.Csv;
                default:
                    result.AddError($"--format {text}: expected table, json or csv");
                    return OutputFormat.Table;
            }
        },
    };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, string[]> ExampleTable = new();

    /// <summary>Registers examples that <c>--help</c> prints at its end (see <see cref="SubquadApp"/>).</summary>
    public static Command WithExamples(this Command command, params string[] examples)
    {
        ExampleTable.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples of a verb, or an empty list.</summary>
    public static IReadOnlyList<string> ExamplesOf(Command command) => ExampleTable.TryGetValue(command, out var examples) ? examples : [];

    public static Option<int> Seed(int defaultValue = 1) => new("--seed")
    {
        Description = "Random seed (results are reproducible from it).",
        DefaultValueFactory = _ => defaultValue,
    };
}

/// <summary>How results are printed.</summary>
internal enum OutputFormat
{
    Table, // first: default(OutputFormat) is the default format
    Json,
    Csv,
}
