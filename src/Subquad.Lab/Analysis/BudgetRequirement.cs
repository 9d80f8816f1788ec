namespace Subquad.Lab.Analysis;

/// <summary>The smallest budget on the ladder that reached the target on (family, kind, n); null Budget when none did.</summary>
public sealed record BudgetRequirement(string Family, string Kind, int N, long? Budget, long LargestTried, double AccuracyAtLargest, double MeanFlops, double MedianTimeMs);
