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

    public static Option<OutputFormat> Format() => new("--format")
    {
        Description = "Result format: table (default), json or csv.",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static Option<int> Seed(int defaultValue = 1) => new("--seed")
    {
        Description = "Random seed (results are reproducible from it).",
        DefaultValueFactory = _ => defaultValue,
    };
}

/// <summary>How results are printed.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Csv,
}
