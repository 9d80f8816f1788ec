using Subquad.Models.Alternatives;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Lab.Duel;

/// <summary>
/// The contender registry (one <see cref="ContenderRecord"/> per kind) and the ladders built from it: powers of two from
/// the kind's first budget while the cost stays under the subquadratic cap (<see cref="CostCap"/>).
/// </summary>
public static class DuelContenders
{
    private const string Projections = "2 n d (2 m + d_out) for X Q, X K, X V";

    /// <summary>Every contender, in report order.</summary>
    public static IReadOnlyList<ContenderRecord> Registry { get; } =
    [
        new("random-sparse", "control: each query sees k keys drawn at random (plus the sentinel rows)", ContenderRunner.Attention, "keys per query k", 16,
            Projections + " + 2 n k (m + d_out)", "none", "dense attention under the same mask (RandomSparseAttentionTests)",
            Create: (spec, b, rows, seed, global) => new RandomSparseAttention(Math.Max(1, b), seed, spec.GlobalRows ?? global),
            LastBudget: rows => 2L * rows,
            IsFullAttention: (_, b, rows) => b >= rows - 1,
            KeysPerQuery: (_, b, rows) => Math.Min(rows, b)),
        new("window", "sliding window of W keys each side (Longformer-style, sentinel rows global)", ContenderRunner.Attention, "window W (keys each side)", 8,
            Projections + " + 2 n (2W - 1) (m + d_out)", "none", "dense attention under the band mask (AttentionHeuristicsTests.SlidingWindow_EveryWindowAndMode_MatchesDenseMask)",
            Create: (spec, b, rows, seed, global) => new SlidingWindowAttention(Math.Max(1, b), globalRows: spec.GlobalRows ?? global),
            LastBudget: rows => 2L * rows,
            IsFullAttention: (_, b, rows) => (2 * b) - 1 >= rows,
            KeysPerQuery: (_, b, rows) => Math.Min(rows, (2.0 * b) - 1)),
        new("lsh", "Reformer LSH: one shared hash, queries and keys in one sorted sequence, chunk + previous chunk, rounds combined by log-sum-exp", ContenderRunner.Attention, "hash rounds", 2,
            Projections + " + rounds x (4 n m b/2 hashing + 2n log 2n sort + 2 n (2n/b) (m + d_out))", "none", "dense attention under the shared-bucket mask (SharedLshAttentionTests)",
            Create: (spec, b, rows, seed, global) => new SharedLshAttention(Math.Max(1, b), LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)), seed, spec.GlobalRows ?? global),
            IsFullAttention: (spec, _, rows) => LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)) < 4,
            KeysPerQuery: (spec, b, rows) => Math.Min(rows, b * 2.0 * rows / LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)))),
        new("alsh", "asymmetric LSH for inner products (MIPS transforms, SMYRF-style), otherwise as lsh", ContenderRunner.Attention, "hash rounds", 2,
            "as lsh with m + 1", "none", "dense attention under the shared-bucket mask (SharedLshAttentionTests)",
            Create: (spec, b, rows, seed, global) => new SharedLshAttention(Math.Max(1, b), LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)), seed, spec.GlobalRows ?? global, asymmetric: true),
            IsFullAttention: (spec, _, rows) => LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)) < 4,
            KeysPerQuery: (spec, b, rows) => Math.Min(rows, b * 2.0 * rows / LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)))),
        new("performer", "Performer FAVOR+: positive orthogonal random features for exp(q.k)", ContenderRunner.Attention, "random features", 64,
            Projections + " + 4 n f m + 6 n f + 4 n f (d_out + 1)", "none", "the quadratic form of the same features (AttentionHeuristicsTests.Performer_FastForm_MatchesQuadraticForm)",
            Create: (_, b, _, seed, _) => new RandomFeatureAttention(Math.Max(1, b), seed)),
        new("linformer", "Linformer: keys and values projected to rank k by a seeded Gaussian n x k map generated on the fly", ContenderRunner.Attention, "rank", 16,
            Projections + " + 4 n k (m + d_out)", "none", "explicit sums with the projection materialised (AttentionHeuristicsTests.Linformer_MatchesExplicitSums)",
            Create: (_, b, _, seed, _) => new LowRankAttention(Math.Max(1, b), seed),
            LastBudget: rows => 2L * rows,
            IsFullAttention: (_, b, rows) => b >= rows),
        new("clustered", "clustered attention: k-means on the queries, each cluster attends through its centroid", ContenderRunner.Attention, "clusters", 16,
            Projections + " + iterations x 3 n c m + 2 c n (m + d_out)", "none", "the centroid reference (AttentionHeuristicsTests.Clustered_MatchesCentroidReference)",
            Create: (_, b, _, seed, _) => new ClusteredAttention(Math.Max(1, b), seed),
            LastBudget: rows => 2L * rows,
            KeysPerQuery: (_, b, rows) => Math.Min(rows, (double)rows / Math.Max(1, b))),
        new("taylor", "linear attention with the Taylor-exp feature map of order p (Alman-Song's polynomial method)", ContenderRunner.Attention, "Taylor order", 2,
            Projections + " + 2 n f m + 4 n f (d_out + 1), f = sum_{i<=p} m^i", "none", "the quadratic form (AttentionHeuristicsTests.LinearAttention_NonCausal_MatchesQuadraticForm)",
            Create: (_, b, _, _, _) => new LinearAttention(new TaylorExpFeatureMap((int)Math.Max(0, b))),
            FirstBudget: 0,
            LastBudget: _ => 3),
        new("linear-causal", "causal (recurrent) linear attention with the Taylor-exp map, the sentinel read first", ContenderRunner.CausalLinear, "Taylor order", 2,
            "as taylor", "f (d_out + 1) numbers", "recurrent = chunked = quadratic (RecurrentMixerTests.CausalLinearAttention_RecurrentEqualsChunkedEqualsQuadratic)",
            Create: (_, b, _, _, _) => new LinearAttention(new TaylorExpFeatureMap((int)Math.Max(0, b))),
            FirstBudget: 0,
            LastBudget: _ => 3),
        new("onepass", "one-pass strategies with S bits of state: keep-first, keep-by-weight, reservoir (exact pairs kept) and a coordinate-sample sketch; the best is reported beside the disjointness bound", ContenderRunner.OnePass, "state bits S", 1024,
            "comparisons x 2l", "S bits", "the pair-by-pair stream OnePassStrategy.RunReference (OnePassStrategyTests)"),
        new("mamba", "Mamba (selective SSM) without trained weights: cost and state only, then the one-pass strategy at its state", ContenderRunner.StateCost, "SSM state size N", 16,
            "as MambaCost", "D (N + conv width) numbers per layer", "parallel scan = step form = sequential reference (RecurrentMixerTests.Mamba_ParallelScan_StepForm_AndSequentialReference_Agree)"),
    ];

    /// <summary>The record for <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such kind.</exception>
    public static ContenderRecord Record(string kind) =>
        Registry.FirstOrDefault(r => r.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind");

    /// <summary>The heuristic kinds that run on the construction.</summary>
    public static IReadOnlyList<string> AttentionKinds { get; } = [.. Registry.Where(r => r.Runner == ContenderRunner.Attention).Select(r => r.Kind)];

    /// <summary>The sparse kinds whose budget converts to keys per query (reported against random-sparse at matched keys).</summary>
    public static IReadOnlyList<string> SparseKinds { get; } = [.. Registry.Where(r => r.IsSparse).Select(r => r.Kind)];

    /// <summary>Every kind a <see cref="MixerSpec"/> may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. Registry.Select(r => r.Kind)];

    /// <summary>The kind's default fixed budget (for accuracy versus n).</summary>
    public static long DefaultFixedBudget(string kind) => Record(kind).DefaultFixedBudget;

    /// <summary>
    /// The attention heuristic for (spec, budget) on <paramref name="rows"/> rows, seeded. Window and LSH make the
    /// trailing <paramref name="sentinelRows"/> rows global unless the spec says otherwise.
    /// </summary>
    public static IAttentionMixer CreateAttention(MixerSpec spec, long budget, int rows, int seed, int sentinelRows = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var record = Registry.FirstOrDefault(r => r.Kind == spec.Kind);
        if (record?.Create is null || record.Runner != ContenderRunner.Attention) throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "not an attention heuristic");
        return record.Create(spec, (int)Math.Min(int.MaxValue, Math.Max(0, budget)), rows, seed, sentinelRows);
    }

    /// <summary>The mixer a ladder is costed with (causal linear attention: its non-causal map, same flops).</summary>
    private static IAttentionMixer CostProbe(MixerSpec spec, long budget, int rows) => Record(spec.Kind).Create!(spec, (int)Math.Min(int.MaxValue, Math.Max(0, budget)), rows, 0, 1);

    /// <summary>
    /// The default LSH bucket size: max(2, floor(sqrt(n) / 2)) rows, i.e. about 2 sqrt(n) buckets, near the bucket count
    /// that minimises hashing (2n x b/2 projections) plus scoring (n x 2n/b keys); a fixed size (Reformer's 32-64) puts
    /// even one round above the cap up to n = 4096.
    /// </summary>
    public static int DefaultBucketSize(int rows) => Math.Max(2, (int)Math.Floor(Math.Sqrt(rows) / 2));

    /// <summary>Buckets for LSH: the even number nearest rows / bucketSize, at least 2.</summary>
    public static int LshBuckets(int rows, int bucketSize) => Math.Max(2, 2 * (int)Math.Round(rows / (2.0 * bucketSize)));

    /// <summary>
    /// The budgets to try for an attention heuristic on this construction's weights: powers of two (Taylor orders 0..3)
    /// while the cost stays within <see cref="CostCap"/> (capExponent 1.5: about n^1.5 pairwise work where full
    /// attention does n^2). <paramref name="capped"/> is the first budget left out by the cap, or null when the
    /// ladder ended for another reason. An explicit ladder is returned as given (the runner refuses rungs above the cap).
    /// </summary>
    public static IReadOnlyList<long> AttentionLadder(MixerSpec spec, int rows, AttentionWeights weights, double capExponent, out long? capped)
    {
        ArgumentNullException.ThrowIfNull(spec);
        capped = null;
        if (spec.Budgets is { } explicitBudgets) return explicitBudgets;
        var record = Record(spec.Kind);
        double cap = CostCap(rows, weights, capExponent);
        var ladder = new List<long>();
        long last = record.LastBudget?.Invoke(rows) ?? long.MaxValue;
        for (long budget = record.FirstBudget; ladder.Count < 40 && budget <= last; budget = budget == 0 ? 1 : budget * 2)
        {
            double cost = CostProbe(spec, budget, rows).Cost(rows, weights).Flops;
            if (cost > cap)
            {
                capped = budget;
                break;
            }

            ladder.Add(budget);
        }

        return ladder;
    }

    /// <summary>Flops of one forward pass of (spec, budget) on the construction's rows and weights.</summary>
    public static double Cost(MixerSpec spec, long budget, int rows, AttentionWeights weights) => CostProbe(spec, budget, rows).Cost(rows, weights).Flops;

    /// <summary>
    /// The cost cap: the linear projections X Q, X K, X V (which every contender pays) plus full attention's remaining
    /// (pairwise) flops times n^(capExponent - 2): with 1.5, about n^1.5 score computations where full attention has n^2.
    /// </summary>
    public static double CostCap(int rows, AttentionWeights weights, double capExponent)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double projections = 2.0 * rows * weights.InputWidth * ((2.0 * weights.EmbeddingDimension) + weights.OutputWidth);
        // Full attention's pairwise work: n^2 m score and n^2 d_out value multiply-adds (the exps are not counted here).
        double pairwise = 2.0 * rows * (double)rows * (weights.EmbeddingDimension + weights.OutputWidth);
        return projections + (CapConstant * pairwise * Math.Pow(rows, capExponent - 2));
    }

    /// <summary>
    /// The constant in the cap (cost &lt;= 4 x n^1.5 pair scores): one round of LSH needs its hashing (2 n b m flops)
    /// besides n x 2n/b key scores, about 2.8 n^1.5 m at the best bucket count, so a cap without a constant would refuse
    /// every LSH rung at any n.
    /// </summary>
    public const double CapConstant = 4;

    /// <summary>
    /// True where the heuristic at this budget sees every key of every query, i.e. is full attention in disguise: LSH
    /// with fewer than 4 buckets (a chunk and the one before it cover everything), a window or random-sparse k covering
    /// every row, a Linformer rank of at least n. Such rungs are reported, marked, and left out of every fit.
    /// </summary>
    public static bool IsFullAttention(MixerSpec spec, long budget, int rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Record(spec.Kind).IsFullAttention?.Invoke(spec, budget, rows) ?? false;
    }

    /// <summary>Keys per query a sparse kind's budget buys on <paramref name="rows"/> rows (NaN for the others).</summary>
    public static double KeysPerQuery(MixerSpec spec, long budget, int rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Record(spec.Kind).KeysPerQuery?.Invoke(spec, budget, rows) ?? double.NaN;
    }

    /// <summary>One-pass state budgets: powers of two bits from the first that holds one vector up to one that holds all n.</summary>
    public static IReadOnlyList<long> OnePassLadder(MixerSpec spec, int count, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Budgets is { } explicitBudgets) return explicitBudgets;
        var ladder = new List<long>();
        long bits = 1;
        while (bits < dimensions) bits *= 2;
        for (; ; bits *= 2)
        {
            ladder.Add(bits);
            if (bits >= (long)count * dimensions && bits >= (spec.FixedBudget ?? DefaultFixedBudget("onepass"))) break;
        }

        return ladder;
    }
}
