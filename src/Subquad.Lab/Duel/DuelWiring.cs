using Subquad.Core.Problems;
using Subquad.Lab.Families;
using Subquad.Models.Attention;

namespace Subquad.Lab.Duel;

/// <summary>
/// What the duel is given rather than what it builds: the paper's construction for an instance (Thm 4.1 / C.1 / C.2 with
/// its sentinel and phi2) and the exact attention engine that runs it, both from Subquad.Models' transformer side;
/// and extra instance families (the SAT-derived family from Subquad.Hardness's CNF -> OV chain). Without a construction
/// the duel still runs the exact engine, the one-pass strategy and Mamba's cost rows, and says what it skipped.
/// </summary>
public sealed record DuelWiring
{
    /// <summary>Nothing injected.</summary>
    public static DuelWiring None { get; } = new();

    /// <summary>The construction for (instance, problem); throws <see cref="NotSupportedException"/> for problems it has none for.</summary>
    public Func<SimilarityInstance, Problem, ConstructedInput>? Construct { get; init; }

    /// <summary>Exact attention (Def 2.1): the transformer's reference row.</summary>
    public IAttentionMixer? ExactAttention { get; init; }

    /// <summary>Name of the construction for the report ("Thm 4.1, robust scale").</summary>
    public string ConstructionName { get; init; } = "construction";

    /// <summary>Families beyond random/planted/critical, by kind (e.g. "sat").</summary>
    public IReadOnlyDictionary<string, IInstanceFamily> ExtraFamilies { get; init; } = new Dictionary<string, IInstanceFamily>();
}
