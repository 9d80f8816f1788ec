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
public sealed class TransformerSolver : ISimilaritySolver, ISolverMemory
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

    /// <summary>
    /// The threshold route's peak beyond the instance, from the construction's size (d_in = l + 2 + 2 colours when
    /// bichromatic or + n one-hot positions when monochromatic + 1 index, see <see cref="TaggedLayout"/>): Q and K are
    /// d_in x d_in float64 and the engine holds a rounded [Q | K | V] copy beside them (4 d_in^2 doubles in all), plus
    /// the input and its projections (about 4 (n + 1) d_in doubles). ONNX Runtime instead holds the exported graph
    /// (managed protobuf and its bytes), its own initializers and optimised copies: measured 10.5 d_in^2 doubles
    /// beyond the construction at d_in = 2,005 and 4,005 (417 MB and 1.43 GB peak RSS), so 11 d_in^2 is charged,
    /// plus two (n + 1)^2 float64 score buffers. The forward pass of the own runtime streams scores tile by tile.
    /// Measured peaks are within 1.4x of this (sat --via transformer, 12 variables, 2,000 to 6,000 clauses).
    /// </summary>
    public long PeakBytes(long rowsA, long rowsB, int dimensions)
    {
        bool bichromatic = rowsB > 0;
        long rows = rowsA + rowsB + 1;
        long din = dimensions + 2L + (bichromatic ? 2 : rowsA) + 1;
        double weights = (Runtime.Name == "own" ? 4.0 : 11.0) * din * din * sizeof(double);
        double activations = 4.0 * rows * din * sizeof(double);
        double scores = Runtime.Name == "own" ? 0 : 2.0 * rows * rows * sizeof(double);
        double total = weights + activations + scores;
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }

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
