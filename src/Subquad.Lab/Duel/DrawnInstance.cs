using Subquad.Core.Problems;

namespace Subquad.Lab.Duel;

/// <summary>One instance the duel drew: where it sits (family, n, batch, trial), the seed that reproduces it, and the exact engine's truth.</summary>
public sealed record DrawnInstance(string Family, int N, int Dimensions, int Batch, int Trial, int Seed, bool Truth, SimilarityInstance Instance);
