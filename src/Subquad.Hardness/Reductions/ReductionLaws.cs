using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Reductions;

/// <summary>
/// The three laws every reduction of the paper must keep on every instance, checked in one place so that each
/// reduction's test states them the same way: (1) the answer is preserved (a decision agrees with the oracle's, an
/// exact optimum has the oracle's score, and the exact pair where the calls answer with the oracle's tie-break),
/// (2) the decoded witness is valid (<see cref="Verifier"/>), (3) the calls stay within the reduction's own
/// <see cref="ISimilarityReduction.SizeBound"/>.
/// </summary>
public static class ReductionLaws
{
    /// <summary>
    /// Reduces <paramref name="problem"/> on <paramref name="instance"/>, answers the calls with
    /// <paramref name="oracle"/>, and checks the three laws against <see cref="BruteForce"/>. Returns the decoded answer.
    /// </summary>
    /// <param name="reduction">The reduction under test.</param>
    /// <param name="instance">The source instance.</param>
    /// <param name="problem">The source problem.</param>
    /// <param name="oracle">Answers the reduction's calls (the brute-force oracle, or a legal but adversarial solver).</param>
    /// <exception cref="ReductionLawException">A law fails; the message names the law, the reduction and both answers.</exception>
    public static Answer Check(ISimilarityReduction reduction, SimilarityInstance instance, Problem problem, ISimilaritySolver oracle)
    {
        ArgumentNullException.ThrowIfNull(reduction);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(oracle);
        string who = $"{reduction.Reference} ({reduction.Name}) on {problem}, n = {instance.A.Count}{(instance.B is { } b ? $" x {b.Count}" : "")}, l = {instance.Dimensions}";

        var shape = InstanceShape.Of(instance);
        var bound = reduction.SizeBound(shape);
        var reduced = reduction.Reduce(instance, problem);
        if (reduced.QueryCount > bound.Queries) throw new ReductionLawException($"{who}: {reduced.QueryCount} calls exceed its bound {bound}");
        var answer = reduced.Decode(query =>
        {
            long rows = (long)query.Instance.A.Count + (query.Instance.B?.Count ?? 0);
            if (rows > bound.Rows || query.Instance.Dimensions > bound.Dimensions)
            {
                throw new ReductionLawException($"{who}: a call on {rows} rows of {query.Instance.Dimensions} dimensions exceeds its bound {bound}");
            }

            return oracle.Solve(query.Instance, query.Problem);
        });

        var truth = BruteForce.Instance.Solve(instance, problem);
        if (problem.IsDecision && truth.Found != answer.Found)
        {
            throw new ReductionLawException($"{who}: answer not preserved: the oracle says {truth}, the reduction {answer}");
        }

        if (!problem.IsDecision && problem.Mode == ProblemMode.Exact && ScoreOrder.CompareValues(problem.Kind, truth.Score, answer.Score) != 0)
        {
            throw new ReductionLawException($"{who}: answer not preserved: the oracle's optimum is {truth}, the reduction's {answer}");
        }

        var check = Verifier.Verify(instance, problem, answer);
        if (!check.IsValid) throw new ReductionLawException($"{who}: decoded answer {answer} is not valid: {check.Reason}");
        return answer;
    }
}
