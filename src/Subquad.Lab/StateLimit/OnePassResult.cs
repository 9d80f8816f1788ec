using Subquad.Core.Problems;

namespace Subquad.Lab.StateLimit;

/// <summary>What a one-pass run decided and what it used.</summary>
/// <param name="Found">Yes when a witness pair was seen; a one-pass strategy never says yes wrongly (it checks exactly).</param>
/// <param name="I">The witness's first index (row of A), or -1.</param>
/// <param name="J">The witness's second index, or -1.</param>
/// <param name="Capacity">K: how many vectors fit in the budget.</param>
/// <param name="StateBitsUsed">Peak bits held: K' vectors times their packed size (K' &lt;= K).</param>
/// <param name="Comparisons">Pair comparisons made (its time is O(Comparisons * l)).</param>
public readonly record struct OnePassResult(bool Found, int I, int J, int Capacity, long StateBitsUsed, long Comparisons)
{
    /// <summary>As an <see cref="Answer"/> for <paramref name="problem"/> (score omitted; use the verifier for it).</summary>
    public Answer ToAnswer(Problem problem) => Found ? Answer.Pair(problem, I, J, default) : Answer.No(problem);
}
