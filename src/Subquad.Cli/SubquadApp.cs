using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Subquad.Cli.Commands;
using Subquad.Core;

namespace Subquad.Cli;

/// <summary>Builds the <c>subquad</c> command tree and runs it with every error turned into one line and an exit code.</summary>
internal static class SubquadApp
{
    /// <summary>Runs the command line; never throws.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool? interactive = null, TextReader? input = null)
    {
        bool tty = interactive ?? (!System.Console.IsErrorRedirected && ReferenceEquals(error, System.Console.Error));
        // Every diagnostic line goes through ErrorText.Escape: names and fields from files never reach the terminal raw.
        error = new EscapingErrorWriter(error);
        var io = new CliIO(output, error, tty) { In = input ?? System.Console.In };
        var root = Build(io);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
        {
            // One line, like every other usage error; the verb's --help has the rest.
            string verb = parse.CommandResult.Command is RootCommand ? "" : " " + parse.CommandResult.Command.Name;
            error.WriteLine($"error: {parse.Errors[0].Message} (see subquad{verb} --help)");
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            bool header = parse.GetValue(CommonOptions.Header), noHeader = parse.GetValue(CommonOptions.NoHeader);
            if (header && noHeader) throw new UsageException("--header and --no-header exclude each other");
            Subquad.Core.IO.VectorFile.CsvHeader = header ? true : noHeader ? false : null;
            return parse.Invoke(config);
        }
        catch (Exception ex)
        {
            return Report(ex, io, args.Contains("--verbose"));
        }
    }

    /// <summary>Maps an exception escaping a command to one stderr line and an exit code.</summary>
    internal static int Report(Exception ex, CliIO io, bool verbose)
    {
        var inner = ex is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : ex;
        switch (inner)
        {
            case InputException input:
                io.Error.WriteLine("error: " + input.Message);
                return ExitCodes.BadInput;
            case UsageException usage:
                io.Error.WriteLine("error: " + usage.Message);
                return ExitCodes.Usage;
            case OperationCanceledException:
                io.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            case Subquad.Models.Constructions.PrecisionRefusedException refused:
                io.Error.WriteLine("error: refused: " + refused.Message);
                return ExitCodes.Unsupported;
            case PlatformNotSupportedException pns:
                io.Error.WriteLine("error: " + pns.Message);
                return ExitCodes.Unsupported;
            case OutOfMemoryException oom:
                io.Error.WriteLine("error: out of memory: " + oom.Message + " (try a smaller input)");
                return ExitCodes.BadInput;
            case FileNotFoundException fnf:
                io.Error.WriteLine($"error: {fnf.FileName ?? fnf.Message}: file not found");
                return ExitCodes.BadInput;
            case DirectoryNotFoundException dnf:
                io.Error.WriteLine("error: " + dnf.Message);
                return ExitCodes.BadInput;
            case UnauthorizedAccessException or IOException:
                io.Error.WriteLine("error: " + inner.Message);
                return ExitCodes.BadInput;
            default:
                io.Error.WriteLine($"internal error ({inner.GetType().Name}): {inner.Message}");
                if (verbose) io.Error.WriteLine(inner.ToString());
                else io.Error.WriteLine("run again with --verbose for the stack trace, and please report it");
                return ExitCodes.Internal;
        }
    }

    /// <summary>The root command with every verb.</summary>
    internal static RootCommand Build(CliIO io)
    {
        var root = new RootCommand("Subquad: exact document similarity, its SETH hardness, and the one-head transformers that solve it (Alman & Yu, ICLR 2025).");
        root.Options.Add(CommonOptions.Verbose);
        root.Options.Add(CommonOptions.Header);
        root.Options.Add(CommonOptions.NoHeader);
        root.Subcommands.Add(DemoCommand.Create(io));
        root.Subcommands.Add(DuelCommand.Create(io));
        root.Subcommands.Add(ZooCommand.Create(io));
        root.Subcommands.Add(InfoCommand.Create(io));
        root.Subcommands.Add(EmbedCommand.Create(io));
        root.Subcommands.Add(GenerateCommand.Create(io, HardnessGenerateCommands.Create(io)));
        root.Subcommands.Add(SolveCommand.Create(io));
        root.Subcommands.Add(BenchCommand.Create(io));
        root.Subcommands.Add(SatCommand.Create(io));
        root.Subcommands.Add(ReduceCommand.Create(io));
        root.Subcommands.Add(TransformerCommand.Create(io));
        root.Subcommands.Add(NearDuplicatesCommand.Create(io));
        root.Subcommands.Add(ClusterCommand.Create(io));
        root.Subcommands.Add(SearchCommand.Create(io));
        AddExamplesToHelp(root);
        return root;
    }

    /// <summary>Every verb's --help ends with the examples it registered (<see cref="CommonOptions.WithExamples"/>).</summary>
    private static void AddExamplesToHelp(RootCommand root)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is SynchronousCommandLineAction inner) help.Action = new ExamplesHelpAction(inner);
        }
    }

    /// <summary>The default help, then the command's examples (System.CommandLine 2.0 keeps its layout API internal).</summary>
    private sealed class ExamplesHelpAction(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = inner.Invoke(parseResult);
            var examples = CommonOptions.ExamplesOf(parseResult.CommandResult.Command);
            if (examples.Count > 0)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var example in examples) output.WriteLine("  " + example);
                output.WriteLine();
            }

            return code;
        }
    }
}
