namespace Subquad.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        CancelSignals.InstallProcessHandler(Console.Error); // SIGTERM/SIGINT in every verb (issue 17)
        return SubquadApp.Run(args, Console.Out, Console.Error);
    }
}
