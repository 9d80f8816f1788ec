using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Attention;

namespace Subquad.Models.Constructions;

/// <summary>
/// Exact MSD / LSD / Max-IP / Min-IP (and OV's witness) by transformers alone: a binary search over the finite set of
/// achievable scores (Cor 3.2: O(log l) values for inner products, O(l^3) cosines, so O(log l) decisions), then one
/// run of the search construction at the optimum, whose value columns encode the partner's position.
/// </summary>
/// <remarks>
/// Design of the search construction (Corrected, Robust): d_out = 3 (value, document mass, mass x position),
/// m = d_in = l + 3 (+2 colours when bichromatic, +n positions when monochromatic). A tie-break term
/// -eta p_j / n (eta = delta0/4, realised by M[one, index]) makes each row's best witness unique: at the optimum all
/// witnesses share one score, so the smallest position wins, and lambda &gt;= n ln(8 n^2) / eta makes it carry all
/// but &lt; 1/(4n) of the row's document mass, so (mass x position) / mass rounds to it. The first row whose phi2
/// indicator is 1 is the smallest index in an optimal pair; its partner is the smallest such partner: the pair is
/// the lexicographically smallest optimum, the oracle's tie-break (Answer's contract), and for OV the oracle's first
/// orthogonal pair. Cost: (ceil(log2 |values|) + 2) forward passes.
/// </remarks>
public static class PairSearch
{
    /// <summary>Runs the search; returns the optimal pair with its exact score (for OV: the first orthogonal pair, or no).</summary>
    /// <param name="instance">Binary instance.</param>
    /// <param name="kind">The problem (exact optimum; OV as its decision).</param>
    /// <param name="mixer">The attention unit to run (null: <see cref="AttentionEngine.Default"/>).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static SearchResult Solve(SimilarityInstance instance, ProblemKind kind, IAttentionMixer? mixer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var unit = mixer ?? AttentionEngine.Default;
        return Solve(instance, kind, construction =>
        {
            var input = construction.Build(instance);
            return unit.Forward(input.X, input.Weights, cancellationToken);
        }, PrecisionOf(unit));
    }

    /// <summary>Runs the search on a runtime (our engine or ONNX Runtime): every pass is one evaluation by <paramref name="runtime"/>.</summary>
    public static SearchResult Solve(SimilarityInstance instance, ProblemKind kind, Runtimes.ITransformerRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return Solve(instance, kind, construction => runtime.Attention(construction, instance, cancellationToken), runtime.Precision);
    }

    /// <summary>The float format a mixer computes in (float64 for anything that is not a known reduced-precision unit).</summary>
    public static Precision.FloatFormat PrecisionOf(IAttentionMixer mixer) => mixer switch
    {
        AttentionEngine { Options.Precision: AttentionPrecision.Float32 } => Precision.FloatFormat.Float32,
        Precision.EmulatedAttention emulated => emulated.Format,
        _ => Precision.FloatFormat.Float64,
    };

    /// <summary>
    /// Runs the search with any runtime: <paramref name="attention"/> evaluates a construction on
    /// <paramref name="instance"/> and returns its attention output (rows 0..n, the sentinel last), e.g. our engine on
    /// phi1(E) or ONNX Runtime on the exported graph (<c>OnnxTransformerRunner.Run(construction.EncodeRaw(instance))</c>).
    /// Every decision and the final pair are read from those outputs alone.
    /// </summary>
    /// <param name="instance">Binary instance.</param>
    /// <param name="kind">The problem.</param>
    /// <param name="attention">Evaluates a construction's attention on the instance.</param>
    /// <param name="precision">The format <paramref name="attention"/> computes in: every construction is checked
    /// against it before it runs (<see cref="SentinelConstruction.EnsurePrecision"/>).</param>
    /// <exception cref="PrecisionRefusedException">A pass needs more precision than <paramref name="precision"/>.</exception>
    public static SearchResult Solve(SimilarityInstance instance, ProblemKind kind, Func<SentinelConstruction, Matrix> attention, Precision.FloatFormat precision = Precision.FloatFormat.Float64)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(attention);
        var exact = kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind);
        instance.Validate(exact);
        if (!instance.IsBinary) throw new ArgumentException("the paper's constructions take binary vectors", nameof(instance));
        var shape = InstanceShape.Of(instance);
        int l = shape.Dimensions;
        int passes = 0;

        // Candidate thresholds, ascending, as (value, gap to the neighbour on the non-witness side, label).
        int count = kind.IsCosine() ? AchievableValues.Cosines(l).Count : l + 1;
        (double Value, double Gap, Problem Label) Candidate(int index)
        {
            if (!kind.IsCosine())
            {
                var label = kind == ProblemKind.Ov ? Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(0)) : Problem.WithThreshold(kind, Rational.FromInteger(index));
                return (index, 1, label);
            }

            var c = AchievableValues.Cosines(l)[index];

            // The label's threshold is the nearest double (display only); the construction uses Value and Gap.
            return (c.Value, AchievableValues.CosineGap(l, c, kind.Maximises()), Problem.WithThreshold(kind, Rational.FromDouble(c.Value)));
        }

        var decideKind = kind == ProblemKind.Ov ? ProblemKind.MinIp : kind;
        bool Yes(int index)
        {
            var (value, gap, label) = Candidate(index);
            var construction = TransformerConstructions.CreateAt(label, shape, value, gap, new ConstructionOptions());
            construction.EnsurePrecision(precision);
            passes++;
            return construction.Decide(attention(construction));
        }

        int optimum;
        if (kind == ProblemKind.Ov)
        {
            optimum = 0;
        }
        else if (decideKind.Maximises())
        {
            // yes(index) is non-increasing; index 0 (the smallest value) is always yes. Find the last yes.
            int lo = 0, hi = count - 1;
            while (lo < hi)
            {
                int mid = (lo + hi + 1) >>> 1;
                if (Yes(mid)) lo = mid;
                else hi = mid - 1;
            }

            optimum = lo;
        }
        else
        {
            // yes(index) is non-decreasing; the largest value is always yes. Find the first yes.
            int lo = 0, hi = count - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Yes(mid)) hi = mid;
                else lo = mid + 1;
            }

            optimum = lo;
        }

        var (v, g, p) = Candidate(optimum);
        var search = TransformerConstructions.CreateAt(p, shape, v, g, new ConstructionOptions { Search = true });
        search.EnsurePrecision(precision);
        passes++;
        var output = attention(search);
        var pair = search.DecodePair(output);
        if (pair is null) return new SearchResult(Answer.No(exact), passes, search);
        var (i, j) = pair.Value;
        if (i < 0 || j < 0 || j >= instance.Right.Count || (!instance.IsBichromatic && i == j))
        {
            throw new InvalidOperationException($"the search transformer decoded an impossible pair ({i}, {j}); its precision is insufficient for n = {shape.Documents}");
        }

        var score = PairScoring.Score(kind == ProblemKind.Ov ? ProblemKind.MinIp : kind, instance.A, i, instance.Right, j);
        return new SearchResult(Answer.Pair(exact, i, j, score), passes, search);
    }
}

/// <summary>The search's answer, the number of forward passes it ran and the final (search) construction.</summary>
/// <param name="Answer">The pair found (lexicographically smallest optimum) or no.</param>
/// <param name="ForwardPasses">Transformer evaluations used.</param>
/// <param name="Construction">The search construction run last (its sizes are the model's).</param>
public sealed record SearchResult(Answer Answer, int ForwardPasses, SentinelConstruction Construction);
