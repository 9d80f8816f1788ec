using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Reductions;

namespace Subquad.Hardness.Tests.Support;

/// <summary>What every reduction test asserts: <see cref="ReductionLaws.Check"/>, and for exact optima the oracle's own pair.</summary>
internal static class Laws
{
    /// <summary>
    /// The three laws (answer preserved, witness valid, size within bound); where the calls are answered exactly, an
    /// exact optimum must also be the oracle's pair (same tie-break). Returns the decoded answer.
    /// </summary>
    public static Answer Hold(ISimilarityReduction reduction, SimilarityInstance instance, Problem problem, ISimilaritySolver oracle)
    {
        var answer = ReductionLaws.Check(reduction, instance, problem, oracle);
        if (problem.Mode == ProblemMode.Exact && !problem.IsDecision)
        {
            var truth = BruteForce.Instance.Solve(instance, problem);
            Assert.True((truth.I, truth.J) == (answer.I, answer.J), $"{reduction.Reference} on {problem}: oracle {truth}, reduction {answer}");
        }

        return answer;
    }
}
