using System.Globalization;

namespace Subquad.Core.Problems;

/// <summary>
/// The answer to a <see cref="Problem"/> on a <see cref="SimilarityInstance"/>: a pair (I, J) with its exact score,
/// or a yes/no decision with a witness pair when yes.
/// </summary>
/// <remarks>
/// Pairs are (i, j) with i &lt; j for monochromatic instances, (a, b) in A x B for bichromatic ones. Ties are broken
/// deterministically: among equally good pairs the lexicographically smallest (i, j) is returned; a decision's
/// witness is the smallest (i, j) that meets the threshold. Every solver returns the same answer as the oracle.
/// </remarks>
public sealed record Answer
{
    /// <summary>The problem answered.</summary>
    public required Problem Problem { get; init; }

    /// <summary>For decisions: yes or no. For optimisation problems: true (a pair always exists).</summary>
    public required bool Found { get; init; }

    /// <summary>First index of the pair (row of A), or -1 when none.</summary>
    public int I { get; init; } = -1;

    /// <summary>Second index (row of B, or of A when monochromatic), or -1 when none.</summary>
    public int J { get; init; } = -1;

    /// <summary>The pair's score (default when none).</summary>
    public PairScore Score { get; init; }

    /// <summary>True when a pair is reported.</summary>
    public bool HasPair => I >= 0;

    /// <summary>A "no" decision.</summary>
    public static Answer No(Problem problem) => new() { Problem = problem, Found = false };

    /// <summary>A pair answer (optimum, approximation, or a decision's witness).</summary>
    public static Answer Pair(Problem problem, int i, int j, PairScore score) => new() { Problem = problem, Found = true, I = i, J = j, Score = score };

    /// <inheritdoc/>
    public override string ToString() => !HasPair
        ? $"{Problem}: no"
        : string.Create(CultureInfo.InvariantCulture, $"{Problem}: {(Problem.IsDecision ? "yes, " : "")}pair ({I}, {J}) score {Score}");
}
