using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Reductions;

namespace Subquad.Hardness.Sat;

/// <summary>
/// A route from bichromatic OV (the output of split and list) down to the similarity problem a solver answers:
/// a list of reductions stacked as <see cref="ReducingSolver"/>s over a bottom solver. Swapping a stage is
/// swapping an entry of <see cref="Stages"/>; swapping the solver is passing another bottom to <see cref="Over"/>.
/// </summary>
/// <param name="Name">The CLI name ("ov", "lsd", "bmaxip", "bmsd").</param>
/// <param name="Target">What the bottom solver is asked, in words.</param>
/// <param name="Stages">Fresh reductions, top first (a factory, since some stages cache per run).</param>
public sealed record SatChain(string Name, string Target, Func<IReadOnlyList<ISimilarityReduction>> Stages)
{
    /// <summary>Bichromatic OV asked of the solver directly (Williams 2005 only).</summary>
    public static SatChain Ov { get; } = new("ov", "bichromatic OV", () => []);

    /// <summary>Lemma A.4 (bi to mono), then Thm 3.1: gamma-LSD on 2n vectors in dimension m + 2.</summary>
    public static SatChain Lsd(Rational? gamma = null) => new(
        "lsd",
        $"{Problem.Approximate(ProblemKind.Lsd, gamma ?? Rational.FromInteger(1))} (monochromatic)",
        () => [BichromaticOvToOv.Instance, OvToLsd.Gamma(gamma ?? Rational.FromInteger(1))]);

    /// <summary>Lemma A.4 (bi to mono), then Lemma A.13: exact bichromatic Max-IP on weight classes.</summary>
    public static SatChain BMaxIp { get; } = new("bmaxip", "exact bichromatic Max-IP", () => [BichromaticOvToOv.Instance, OvToBichromaticMaxIp.Instance]);

    /// <summary>Lemma A.4 (bi to mono), then Thm 1.3 = Lemma A.13 + Lemma B.5: exact bichromatic MSD in dimension 3(m + 2).</summary>
    public static SatChain BMsd { get; } = new("bmsd", "exact bichromatic MSD", () => [BichromaticOvToOv.Instance, OvToBichromaticMaxIp.Instance, new BichromaticMaxIpToBichromaticMsd()]);

    /// <summary>
    /// Cor 3.2 in threshold form on the bichromatic OV of split and list: one bichromatic LSD_0 query, the one a
    /// transformer answers (<c>--via transformer</c>: the colour-coded LSD_0 construction needs only l + 5 columns).
    /// </summary>
    public static SatChain LsdZero { get; } = new("lsd0", "bichromatic LSD_0", () => [OvToLsd.ThresholdZero]);

    /// <summary>Lemma A.4 (bi to mono), then Cor 3.2: one monochromatic LSD_0 query (Thm 3.1's own setting).</summary>
    public static SatChain LsdZeroMonochromatic { get; } = new("lsd0-mono", "LSD_0 (monochromatic)", () => [BichromaticOvToOv.Instance, OvToLsd.ThresholdZero]);

    /// <summary>The four chains of <c>subquad sat --via</c>.</summary>
    public static IReadOnlyList<SatChain> All { get; } = [Ov, Lsd(), BMaxIp, BMsd];

    /// <summary>
    /// The bytes the chain holds at its peak on split and list's output (<paramref name="rows"/> vectors of
    /// <paramref name="clauses"/> bits), stage by stage, computed before anything is built: the halves, then each
    /// stage's output, which is alive while the stage below runs (512-bit padded rows; the Lemma A.13 queries are
    /// kept as classes and complements, two copies of the rows), then the engine's per-worker staging of the bottom
    /// rows (two blocks of at most 64 rows per worker; issue 17: 4.3M clauses of Lemma B.5 rows are 1.6 MB each).
    /// A bottom solver that knows its own peak (<see cref="ISolverMemory"/>, the transformer) is added by
    /// <see cref="SatDecider.EstimateBytes"/>.
    /// </summary>
    public IReadOnlyList<(string Stage, long Bytes)> EstimateBytes(long rows, int clauses)
    {
        static long Bits(long rows, long dimensions) => rows * (((Math.Max(1, dimensions) + 511) / 512) * 64);
        long m = Math.Max(1, clauses);
        var stages = new List<(string, long)> { ("split and list", Bits(rows, m)) };
        bool mono = Name is "lsd" or "lsd0-mono" or "bmaxip" or "bmsd";
        if (mono) stages.Add(("Lemma A.4 (monochromatic)", Bits(rows, m + 2)));
        if (Name is "bmaxip" or "bmsd") stages.Add(("Lemma A.13 (weight classes and their complements)", 2 * Bits(rows, m + 2)));
        if (Name is "bmsd") stages.Add(("Lemma B.5 (MSD rows)", Bits(rows, 3 * (m + 2))));
        long bottom = Name switch { "bmsd" => 3 * (m + 2), "ov" or "lsd0" => m, _ => m + 2 };
        stages.Add(("engine staging (2 blocks a worker)", Environment.ProcessorCount * 2 * Bits(Math.Min(64, rows), bottom)));
        return stages;
    }

    /// <summary>The chain named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SatChain? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The stack over <paramref name="bottom"/>: the top solver (answers bichromatic OV) and its stages, top first.</summary>
    public (ISimilaritySolver Top, IReadOnlyList<ReducingSolver> Stages) Over(ISimilaritySolver bottom)
    {
        ArgumentNullException.ThrowIfNull(bottom);
        ISimilaritySolver top = bottom;
        var stages = Stages();
        for (int s = stages.Count - 1; s >= 0; s--) top = new ReducingSolver(stages[s], top);
        return (top, top is ReducingSolver r ? r.Stages().ToList() : []);
    }
}
