using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Tests.Support;

/// <summary>
/// A legal but unhelpful gamma-approximation solver: for gamma problems it returns the WORST pair that is still
/// within gamma of the optimum (the oracle would return the optimum), so a reduction that only works with exact
/// answers fails against it. Other problems go to the oracle.
/// </summary>
internal sealed class AdversarialGammaSolver : ISimilaritySolver
{
    public static AdversarialGammaSolver Instance { get; } = new();

    public string Name => "adversarial-gamma";

    public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        if (problem.Mode != ProblemMode.Gamma) return BruteForce.Instance.Solve(instance, problem, cancellationToken);
        instance.Validate(problem);
        var all = BruteForce.TopPairs(instance, problem.Kind, int.MaxValue, cancellationToken);
        var best = all[0].Score;
        var worst = all.Last(a => ScoreOrder.WithinGamma(problem.Kind, a.Score, best, problem.Gamma!.Value));
        return worst with { Problem = problem };
    }
}
