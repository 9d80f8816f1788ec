namespace Subquad.Lab.Analysis;

/// <summary>
/// The smallest budget on the ladder whose balanced accuracy's 95% lower bound reached the target on the main batch and
/// again on the confirmation batch, for (family, kind, n); null <see cref="Budget"/> when none did. <see cref="Best"/>
/// is the accuracy at the best rung tried (for "not reached"), <see cref="HitCap"/> whether the ladder stopped at the
/// subquadratic cost cap.
/// </summary>
public sealed record BudgetRequirement(string Family, string Kind, int N, long? Budget, long LargestTried, BalancedAccuracy Best, long? BestBudget, BalancedAccuracy? Confirmation, double MeanFlops, double MedianTimeMs, bool HitCap, bool FullAttention, bool Control);
