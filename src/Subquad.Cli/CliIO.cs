using Spectre.Console;

namespace Subquad.Cli;

/// <summary>
/// The writers a command prints to, so tests can run commands in-process with captured output. Results go to
/// <see cref="Out"/>; progress, warnings and errors to <see cref="Error"/>.
/// </summary>
internal sealed class CliIO
{
    public CliIO(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive) Console.Profile.Width = 200;
        ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error is EscapingErrorWriter escaping ? escaping.Inner : error),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    /// <summary>Standard input, for files named "-" (sat reads DIMACS from it).</summary>
    public TextReader In { get; init; } = System.Console.In;

    /// <summary>Results: tables, JSON, CSV.</summary>
    public TextWriter Out { get; }

    /// <summary>Diagnostics and progress.</summary>
    public TextWriter Error { get; }

    /// <summary>True when stderr is a terminal (progress bars are drawn only then).</summary>
    public bool Interactive { get; }

    /// <summary>Spectre console over <see cref="Out"/>, for tables.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Spectre console over <see cref="Error"/>, for progress.</summary>
    public IAnsiConsole ErrorConsole { get; }
}
