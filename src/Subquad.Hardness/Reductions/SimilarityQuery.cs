using Subquad.Core.Problems;

namespace Subquad.Hardness.Reductions;

/// <summary>One oracle call a reduction makes: a problem asked on an instance.</summary>
/// <param name="Instance">The instance the reduction built.</param>
/// <param name="Problem">The problem asked on it.</param>
public sealed record SimilarityQuery(SimilarityInstance Instance, Problem Problem);
