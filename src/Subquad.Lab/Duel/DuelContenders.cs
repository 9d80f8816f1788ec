using Subquad.Models.Alternatives;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Lab.Duel;

/// <summary>
/// Turns a <see cref="MixerSpec"/> and one budget into a contender, and makes the default budget ladders: powers of two
/// from the kind's smallest budget up to the last one whose cost is at most twice full attention's on the same
/// construction (past that the heuristic is no longer subquadratic, so there is nothing left to learn).
/// </summary>
public static class DuelContenders
{
    /// <summary>The heuristic kinds that run on the construction.</summary>
    public static IReadOnlyList<string> AttentionKinds { get; } = ["random-sparse", "window", "lsh", "alsh", "performer", "linformer", "clustered", "taylor"];

    /// <summary>The sparse kinds whose budget converts to keys per query (reported against random-sparse at matched keys).</summary>
    public static IReadOnlyList<string> SparseKinds { get; } = ["window", "lsh", "alsh", "clustered"];

    /// <summary>Every kind a <see cref="MixerSpec"/> may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. AttentionKinds, "linear-causal", "onepass", "mamba"];

    /// <summary>The kind's default fixed budget (for accuracy versus n).</summary>
    public static long DefaultFixedBudget(string kind) => kind switch
    {
        "random-sparse" => 16,
        "window" => 8,
        "lsh" => 2,
        "alsh" => 2,
        "performer" => 64,
        "linformer" => 16,
        "clustered" => 16,
        "taylor" => 2,
        "linear-causal" => 2,
        "onepass" => 1024,
        "mamba" => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind"),
    };

    /// <summary>
    /// The attention heuristic for (spec, budget) on <paramref name="rows"/> rows, seeded. Window and LSH make the
    /// trailing <paramref name="sentinelRows"/> rows global unless the spec says otherwise.
    /// </summary>
    public static IAttentionMixer CreateAttention(MixerSpec spec, long budget, int rows, int seed, int sentinelRows = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int b = (int)Math.Min(int.MaxValue, Math.Max(0, budget));
        int global = spec.GlobalRows ?? sentinelRows;
        return spec.Kind switch
        {
            "random-sparse" => new RandomSparseAttention(Math.Max(1, b), seed, global),
            "window" => new SlidingWindowAttention(Math.Max(1, b), globalRows: global),
            // Reformer: one shared hash, queries and keys in one sorted sequence, chunk + previous chunk, rounds.
            "lsh" => new SharedLshAttention(Math.Max(1, b), LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)), seed, global),
            // Asymmetric LSH for maximum inner product (the construction's scores are inner products).
            "alsh" => new SharedLshAttention(Math.Max(1, b), LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)), seed, global, asymmetric: true),
            "performer" => new RandomFeatureAttention(Math.Max(1, b), seed),
            "linformer" => new LowRankAttention(Math.Max(1, b), seed),
            "clustered" => new ClusteredAttention(Math.Max(1, b), seed),
            "taylor" => new LinearAttention(new TaylorExpFeatureMap(b)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "not an attention heuristic"),
        };
    }

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
        double cap = CostCap(rows, weights, capExponent);
        var ladder = new List<long>();
        var probe = spec.Kind == "linear-causal" ? spec with { Kind = "taylor" } : spec;
        long start = probe.Kind == "taylor" ? 0 : 1;
        for (long budget = start; ladder.Count < 40; budget = budget == 0 ? 1 : budget * 2)
        {
            if (probe.Kind == "taylor" && budget > 3) break;
            if (probe.Kind is "random-sparse" or "window" or "linformer" or "clustered" && budget > 2L * rows) break;
            double cost = CreateAttention(probe, budget, rows, 0).Cost(rows, weights).Flops;
            if (cost > cap)
            {
                capped = budget;
                break;
            }

            ladder.Add(budget);
        }

        return ladder;
    }

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
        return spec.Kind switch
        {
            "lsh" or "alsh" => LshBuckets(rows, spec.BucketSize ?? DefaultBucketSize(rows)) < 4,
            "window" => (2 * budget) - 1 >= rows,
            "random-sparse" => budget >= rows - 1,
            "linformer" => budget >= rows,
            _ => false,
        };
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
