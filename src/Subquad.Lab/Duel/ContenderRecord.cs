using Subquad.Models.Attention;

namespace Subquad.Lab.Duel;

/// <summary>How the duel runs a contender: which loop feeds it and what its rows mean.</summary>
public enum ContenderRunner
{
    /// <summary>An attention heuristic on the construction's X, Q, K, V; phi2 reads its output.</summary>
    Attention,

    /// <summary>Causal (recurrent) linear attention on the construction, the sentinel first.</summary>
    CausalLinear,

    /// <summary>One-pass strategies with S bits of state on the documents themselves (keep-first, by weight, reservoir, sketch).</summary>
    OnePass,

    /// <summary>A recurrent model without trained weights: measured cost and state only, then the one-pass strategy at its state size.</summary>
    StateCost,
}

/// <summary>
/// One contender as data: what it is, what its budget buys, what it costs and carries, how it is run, and which
/// simple implementation its fast one is tested against. The duel's one ladder loop, the report's units and the
/// random-sparse comparison all read these records; adding a contender means a record here, its class and its test.
/// </summary>
/// <param name="Kind">The name in experiments and tables ("lsh").</param>
/// <param name="Description">One line for the report.</param>
/// <param name="Runner">Which loop runs it.</param>
/// <param name="BudgetUnit">What the budget counts ("hash rounds"); plots put one unit per axis.</param>
/// <param name="DefaultFixedBudget">The budget of the accuracy-versus-n series.</param>
/// <param name="CostFormula">Flops of one forward pass on n rows of width d, m = embedding dimension (as in the class's Cost).</param>
/// <param name="StateFormula">State carried between tokens (recurrent contenders), or "none".</param>
/// <param name="Reference">The reference it is tested against (class or test).</param>
/// <param name="Create">
/// The mixer for (spec, budget, rows, seed, sentinel rows), for <see cref="ContenderRunner.Attention"/> and
/// <see cref="ContenderRunner.CausalLinear"/> (the latter: the non-causal map its ladder is costed with).
/// </param>
/// <param name="FirstBudget">The first rung of the default ladder.</param>
/// <param name="LastBudget">The last rung the default ladder may reach on n rows before the cap (null: the cap decides).</param>
/// <param name="IsFullAttention">True where the rung sees every key of every query (reported, marked, never fitted).</param>
/// <param name="KeysPerQuery">Keys per query a rung buys on n rows (sparse kinds, set beside random-sparse); null otherwise.</param>
public sealed record ContenderRecord(
    string Kind,
    string Description,
    ContenderRunner Runner,
    string BudgetUnit,
    long DefaultFixedBudget,
    string CostFormula,
    string StateFormula,
    string Reference,
    Func<MixerSpec, int, int, int, int, IAttentionMixer>? Create = null,
    long FirstBudget = 1,
    Func<int, long?>? LastBudget = null,
    Func<MixerSpec, long, int, bool>? IsFullAttention = null,
    Func<MixerSpec, long, int, double>? KeysPerQuery = null)
{
    /// <summary>True for the sparse kinds reported against random-sparse at matched keys per query.</summary>
    public bool IsSparse => KeysPerQuery is not null && Kind != "random-sparse";
}
