namespace Subquad.Cli;

internal static class Program
{
    private static int Main(string[] args) => SubquadApp.Run(args, Console.Out, Console.Error);
}
