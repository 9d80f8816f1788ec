using Subquad.Models.Alternatives;
using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Alternatives.Reference;
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
    public static IReadOnlyList<string> AttentionKinds { get; } = ["window", "lsh", "performer", "linformer", "clustered", "taylor"];

    /// <summary>Every kind a <see cref="MixerSpec"/> may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. AttentionKinds, "linear-causal", "onepass", "mamba"];

    /// <summary>The kind's default fixed budget (for accuracy versus n).</summary>
    public static long DefaultFixedBudget(string kind) => kind switch
    {
        "window" => 8,
        "lsh" => 2,
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
            "window" => new SlidingWindowAttention(Math.Max(1, b), globalRows: global),
            "lsh" => new LshAttention(Math.Max(1, b), LshBuckets(rows, spec.BucketSize ?? 32), seed, global),
            "performer" => new RandomFeatureAttention(Math.Max(1, b), seed),
            "linformer" => new LowRankAttention(Math.Max(1, b), seed),
            "clustered" => new ClusteredAttention(Math.Max(1, b), seed),
            "taylor" => new LinearAttention(new TaylorExpFeatureMap(b)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "not an attention heuristic"),
        };
    }

    /// <summary>Buckets for LSH: the even number nearest rows / bucketSize, at least 2.</summary>
    public static int LshBuckets(int rows, int bucketSize) => Math.Max(2, 2 * (int)Math.Round(rows / (2.0 * bucketSize)));

    /// <summary>The budgets to try for an attention heuristic on this construction's weights.</summary>
    public static IReadOnlyList<long> AttentionLadder(MixerSpec spec, int rows, AttentionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Budgets is { } explicitBudgets) return explicitBudgets;
        double full = NaiveAttention.Instance.Cost(rows, weights).Flops;
        var ladder = new List<long>();
        var probe = spec.Kind == "linear-causal" ? spec with { Kind = "taylor" } : spec;
        long start = probe.Kind == "taylor" ? 0 : 1;
        for (long budget = start; ladder.Count < 40; budget = budget == 0 ? 1 : budget * 2)
        {
            if (probe.Kind == "taylor" && budget > 3) break;
            double cost = CreateAttention(probe, budget, rows, 0).Cost(rows, weights).Flops;
            if (cost > 2 * full && ladder.Count > 0) break;
            ladder.Add(budget);
            if (cost > 2 * full) break;
        }

        return ladder;
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
