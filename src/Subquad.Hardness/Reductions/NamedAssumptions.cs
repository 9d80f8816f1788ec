// The results the paper cites without proof. They are modelled as named assumptions, not code: nothing here
// pretends to implement them, and no chain in this project relies on them to compute an answer.

namespace Subquad.Hardness.Reductions;

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

    /// <summary>
    /// The paper's Lemma B.3: proved in the paper only by invoking Thm B.4 (Karthik-Manurangsi), so it is as much a black
    /// box here as B.4 itself; Lemma B.5's padding (<see cref="BichromaticMaxIpToBichromaticMsd"/>) is the explicit
    /// part of the step it belongs to.
    /// </summary>
    public static NamedAssumption LemmaB3 { get; } = new(
        "Lemma B.3",
        "Alman & Yu, Lemma B.3 (its proof rests on Karthik C. S. and P. Manurangsi, Combinatorica 2020, Thm 6.2 = the paper's Thm B.4)",
        "An O(n^{2-eps}) algorithm for (1 + 1/log log n)-MSD_{n,(log n)^k} (all k) gives an algorithm for bichromatic (log n / l)-Additive-MSD_{n, c log n} (any c) in O(n^{2-eps'}) time.",
        "Thm 3.3 / B.1 and Cor 3.4 (monochromatic MSD), with Lemma B.5 and Lemma B.6");

    /// <summary>All of them, for <c>subquad reduce</c>'s sidecar and the docs.</summary>
    public static IReadOnlyList<NamedAssumption> All { get; } = [Williams2005, KarthikManurangsiB4, LemmaB3, ChenB6];
}
