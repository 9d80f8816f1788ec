using Subquad.Core.Problems;

namespace Subquad.Core.Solvers;

/// <summary>The verdict of <see cref="Verifier.Verify"/>.</summary>
/// <param name="IsValid">True when the answer is correct.</param>
/// <param name="Reason">Why it is not (or "ok").</param>
public readonly record struct Verification(bool IsValid, string Reason)
{
    internal static Verification Ok { get; } = new(true, "ok");

    internal static Verification Fail(string reason) => new(false, reason);
}

/// <summary>
/// Checks any claimed answer. A yes-decision's witness is checked in O(l); its claimed score against a fresh one in
/// O(l). Optimality, approximation and "no" claims need the true optimum, found by <see cref="BruteForce"/> in
/// O(n^2 l) (pass a faster exact solver as the reference to avoid that).
/// </summary>
public static class Verifier
{
    /// <summary>Verifies <paramref name="answer"/> for <paramref name="problem"/> on <paramref name="instance"/>.</summary>
    public static Verification Verify(SimilarityInstance instance, Problem problem, Answer answer, ISimilaritySolver? reference = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(answer);
        instance.Validate(problem);
        var kind = problem.Kind;

        if (answer.HasPair)
        {
            int n = instance.A.Count, m = instance.Right.Count;
            if (answer.I < 0 || answer.I >= n || answer.J < 0 || answer.J >= m)
            {
                return Verification.Fail($"pair ({answer.I}, {answer.J}) is out of range");
            }

            if (!instance.IsBichromatic && answer.I >= answer.J)
            {
                return Verification.Fail($"pair ({answer.I}, {answer.J}) is not i < j");
            }

            var actual = PairScoring.Score(kind, instance.A, answer.I, instance.Right, answer.J);
            if (!SameScore(actual, answer.Score))
            {
                return Verification.Fail($"claimed score {answer.Score} but the pair scores {actual}");
            }
        }

        if (problem.IsDecision)
        {
            if (answer.Found)
            {
                if (!answer.HasPair) return Verification.Fail("a yes answer must carry a witness pair");
                return ScoreOrder.MeetsThreshold(kind, answer.Score, problem.Threshold ?? default)
                    ? Verification.Ok
                    : Verification.Fail($"witness ({answer.I}, {answer.J}) scores {answer.Score}, which does not meet {problem}");
            }

            var truth = (reference ?? BruteForce.Instance).Solve(instance, problem);
            return truth.Found
                ? Verification.Fail($"answered no, but ({truth.I}, {truth.J}) scores {truth.Score}")
                : Verification.Ok;
        }

        if (!answer.HasPair) return Verification.Fail("an optimisation answer must carry a pair");
        var optimum = (reference ?? BruteForce.Instance).Solve(instance, Problem.Exact(kind));
        if (problem.Mode == ProblemMode.Exact)
        {
            return ScoreOrder.CompareValues(kind, answer.Score, optimum.Score) == 0
                ? Verification.Ok
                : Verification.Fail($"pair scores {answer.Score} but the optimum is {optimum.Score} at ({optimum.I}, {optimum.J})");
        }

        return ScoreOrder.WithinGamma(kind, answer.Score, optimum.Score, problem.Gamma!.Value)
            ? Verification.Ok
            : Verification.Fail($"pair scores {answer.Score}, not within gamma = {problem.Gamma} of the optimum {optimum.Score}");
    }

    private static bool SameScore(in PairScore actual, in PairScore claimed)
    {
        if (actual.IsExact)
        {
            return claimed.IsExact && actual.InnerProduct == claimed.InnerProduct && actual.WeightI == claimed.WeightI && actual.WeightJ == claimed.WeightJ;
        }

        // Dense scores: the canonical float64 value, allowing a different summation order's round-off.
        return Math.Abs(actual.Value - claimed.Value) <= 1e-9 * Math.Max(1.0, Math.Abs(actual.Value));
    }
}
