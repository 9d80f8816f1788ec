namespace Subquad.Cli;

/// <summary>A command line that parses but asks for something impossible (exit code 1).</summary>
internal sealed class UsageException(string message) : Exception(message);
