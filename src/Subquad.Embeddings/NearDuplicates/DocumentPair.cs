using Subquad.Core.Problems;

namespace Subquad.Embeddings.NearDuplicates;

/// <summary>Two compared documents and their cosine similarity.</summary>
/// <param name="I">Row of the first document among the compared ones.</param>
/// <param name="J">Row of the second (I &lt; J).</param>
/// <param name="NameI">The first document's name (its path relative to the folder).</param>
/// <param name="NameJ">The second document's name.</param>
/// <param name="Score">The exact pair score from the engine (integers for BOW, float64 otherwise).</param>
public sealed record DocumentPair(int I, int J, string NameI, string NameJ, PairScore Score)
{
    /// <summary>Cosine similarity as a float64 (display only; ordering uses <see cref="ScoreOrder"/>).</summary>
    public double Similarity => Score.Value;
}
