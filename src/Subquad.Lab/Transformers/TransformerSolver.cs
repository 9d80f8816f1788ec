using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Runtimes;

namespace Subquad.Lab.Transformers;

/// <summary>
/// An <see cref="ISimilaritySolver"/> whose every answer comes out of the paper's one-head transformers: threshold
/// problems from one forward pass of the search construction (Thm 4.1 / C.1 / C.2, Corrected and Robust, with the
/// value columns that name the partner, see <see cref="PairSearch"/>); exact, gamma and OV problems from the
/// transformer pair search (a binary search over the achievable values, Cor 3.2). This is what lets a CNF formula be
/// decided by attention: split and list -> OV -> LSD_0 -> this solver (<c>subquad sat --via transformer</c>).
/// </summary>
/// <remarks>
/// The transformer's pair is never trusted blindly: its exact score is recomputed by <see cref="PairScoring"/> and a
/// witness that does not meet the threshold raises <see cref="InvalidOperationException"/> (a precision failure is
/// a loud error, never a wrong answer). "No" answers are the transformer's own (phi2 = 0). Binary input only.
/// </remarks>
public sealed class TransformerSolver : ISimilaritySolver
{
    /// <summary>A solver on the given runtime (null: our engine in float64, <see cref="OwnTransformerRuntime.Default"/>).</summary>
    public TransformerSolver(ITransformerRuntime? runtime = null)
    {
        Runtime = runtime ?? OwnTransformerRuntime.Default;
    }

    /// <summary>The runtime that evaluates the attention unit.</summary>
    public ITransformerRuntime Runtime { get; }

    /// <inheritdoc/>
    public string Name => Runtime.Name == "own" ? "transformer" : "transformer (ONNX Runtime)";

    /// <summary>Forward passes run so far by this solver (for reports).</summary>
    public long ForwardPasses => Interlocked.Read(ref _passes);

    private long _passes;

    /// <inheritdoc/>
    public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        instance.Validate(problem);
        if (!instance.IsBinary) throw new InputException(instance.A.Source, null, "is dense; the paper's transformer constructions take binary vectors");

        if (problem.Mode != ProblemMode.Threshold)
        {
            var search = PairSearch.Solve(instance, problem.Kind, Runtime, cancellationToken);
            Interlocked.Add(ref _passes, search.ForwardPasses);
            var found = search.Answer;
            return found.HasPair ? Answer.Pair(problem, found.I, found.J, found.Score) : Answer.No(problem);
        }

        var construction = TransformerConstructions.Create(problem, instance, new ConstructionOptions { Search = true });
        construction.EnsurePrecision(Runtime.Precision);
        var output = Runtime.Attention(construction, instance, cancellationToken);

        Interlocked.Increment(ref _passes);
        if (!construction.Decide(output)) return Answer.No(problem);
        var pair = construction.DecodePair(output)
            ?? throw new InvalidOperationException($"{problem}: phi2 said yes but no row carries a witness (n = {instance.A.Count})");
        var (i, j) = pair;
        if (i < 0 || i >= instance.A.Count || j < 0 || j >= instance.Right.Count || (!instance.IsBichromatic && i == j))
        {
            throw new InvalidOperationException($"{problem}: the transformer decoded an impossible pair ({i}, {j})");
        }

        if (!instance.IsBichromatic && i > j) (i, j) = (j, i);
        var score = PairScoring.Score(problem.Kind, instance.A, i, instance.Right, j);
        if (!ScoreOrder.MeetsThreshold(problem.Kind, score, problem.Threshold!.Value))
        {
            throw new InvalidOperationException($"{problem}: the transformer's witness ({i}, {j}) scores {score}, which does not meet the threshold (insufficient precision)");
        }

        return Answer.Pair(problem, i, j, score);
    }
}
