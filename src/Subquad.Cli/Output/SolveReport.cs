using Subquad.Core.Problems;

namespace Subquad.Cli.Output;

/// <summary>
/// What <c>subquad solve</c> found, ready to print: the problem, the instance it was asked on, the answers (one, or
/// the top K), the oracle check and the time.
/// </summary>
internal sealed record SolveReport
{
    public required Problem Problem { get; init; }

    public required SimilarityInstance Instance { get; init; }

    /// <summary>One answer, or the K best pairs for --top.</summary>
    public required IReadOnlyList<Answer> Answers { get; init; }

    /// <summary>"top" for --top, "all" for --all summaries, otherwise "solve".</summary>
    public string Mode { get; init; } = "solve";

    /// <summary>The --check verdict ("ok" or why not), or null when not asked.</summary>
    public string? Check { get; init; }

    /// <summary>Solve time (after load), in seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>For --all: the number of pairs written, and where.</summary>
    public long? PairsWritten { get; init; }

    /// <summary>For --all: the file the pairs went to (null for stdout).</summary>
    public string? PairsFile { get; init; }

    /// <summary>For --all -o pairs.npy: the float64 scores file written beside it.</summary>
    public string? ScoresFile { get; init; }

    /// <summary>How the input files store their values (the schema's input.dtype), when known.</summary>
    public string? InputDtype { get; init; }

    public string? AgainstDtype { get; init; }

    /// <summary>The solver's name.</summary>
    public string Solver { get; init; } = "";
}
