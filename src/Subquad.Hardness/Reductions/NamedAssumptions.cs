// The results the paper cites without proof. They are modelled as named assumptions, not code: nothing here
// pretends to implement them, and no chain in this project relies on them to compute an answer.
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Reductions;

/// <summary>A cited result used as a hypothesis: its statement and where it comes from.</summary>
/// <param name="Name">Short name.</param>
/// <param name="Citation">Where it is proved.</param>
/// <param name="Statement">What it says, in the paper's terms.</param>
/// <param name="UsedBy">Which results of the paper depend on it.</param>
public sealed record NamedAssumption(string Name, string Citation, string Statement, string UsedBy);

/// <summary>The black boxes of the paper (paper.md section 7 item 11).</summary>
public static class NamedAssumptions
{
    /// <summary>Williams 2005: SETH implies OVC; made executable here as split and list (<see cref="CnfSatToOrthogonalVectors"/>).</summary>
    public static NamedAssumption Williams2005 { get; } = new(
        "SETH => OVC",
        "R. Williams, A new algorithm for optimal 2-constraint satisfaction and its implications, TCS 2005",
        "A CNF with N variables and m clauses becomes bichromatic OV with 2^(N/2) vectors a side in dimension m; an O(n^{2-eps}) OV algorithm would refute SETH.",
        "every lower bound of the paper (Thm 1.1-1.3, 3.1, 3.3)");

    /// <summary>Karthik-Manurangsi, the paper's Theorem B.4: graph- and code-based gadgets, not reproducible from the paper.</summary>
    public static NamedAssumption KarthikManurangsiB4 { get; } = new(
        "Theorem B.4",
        "Karthik C. S. and P. Manurangsi, On closest pair in Euclidean metric: monochromatic is as hard as bichromatic, Combinatorica 2020, Thm 6.2",
        "An O(n^{2-eps}) algorithm for (1 + 1/log log n)-MSD_{n,(log n)^k} (all k) gives an O(n^{2-eps'}) algorithm for bichromatic (log n)-Additive-Max-IP_{n, c log n} for every c > 0.",
        "Thm 3.3 / B.1 and Cor 3.4 (monochromatic MSD)");

    /// <summary>Chen 2020, the paper's Lemma B.6.</summary>
    public static NamedAssumption ChenB6 { get; } = new(
        "Lemma B.6",
        "L. Chen, On the hardness of approximate and exact (bichromatic) maximum inner product, Theory of Computing 16(4), 2020",
        "An O(n^{2-eps}) algorithm for (log n)-Additive-BMax-IP_{n, c log n} (every c > 0) gives an O(n^{2-eps'}) algorithm for OV_{n, c' log n} (every c' > 0).",
        "Thm 3.3 / B.1 and Cor 3.4 (monochromatic MSD)");

    /// <summary>All of them, for <c>subquad reduce</c>'s sidecar and the docs.</summary>
    public static IReadOnlyList<NamedAssumption> All { get; } = [Williams2005, KarthikManurangsiB4, ChenB6];
}

/// <summary>
/// The interface Theorem B.4 would implement: answer bichromatic (log n)-Additive-Max-IP in dimension c log n with a
/// (1 + 1/log log n)-MSD solver in dimension (log n)^k. No implementation exists in this project (the gadgets live in
/// the cited paper); the type documents where such a stage would plug in.
/// </summary>
public interface IKarthikManurangsiReduction
{
    /// <summary>Decides the additive instance (A, B, alpha, gap) using only approximate monochromatic MSD calls.</summary>
    bool DecideAdditiveMaxIp(SimilarityInstance bichromatic, long alpha, long gap, ISimilaritySolver approximateMsd);
}

/// <summary>
/// The interface Lemma B.6 (Chen) would implement: decide OV using a (log n)-Additive-BMax-IP algorithm. Not implemented
/// here; the exact route OV -> BMax-IP of Lemma A.13 (<see cref="OvToBichromaticMaxIp"/>) is the executable one.
/// </summary>
public interface IChenReduction
{
    /// <summary>Decides OV on <paramref name="vectors"/> with an additive-approximate bichromatic Max-IP oracle.</summary>
    bool DecideOv(SimilarityInstance vectors, Func<SimilarityInstance, long, long, bool> additiveMaxIp);
}
