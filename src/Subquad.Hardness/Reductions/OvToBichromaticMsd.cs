// Theorem 1.3: bichromatic MSD is hard in logarithmic dimension (l = 3 c log n).
//
// Statement. Assuming SETH, for every eps > 0 there is a c > 0 such that bichromatic MSD_{n,l} has no O(n^{2-eps})
//   algorithm when l = c log n (HEAD blueprint; paper.md 3.1, 4.2.6 "Consequence").
// Construction. The composition Lemma A.13 then Lemma B.5: OV on V in {0,1}^l is answered by at most l^2 exact
//   bichromatic Max-IP calls on (S_i, S_j-bar), each answered by one exact bichromatic MSD call on the padded
//   sets in {0,1}^{3l}, where the maximum-cosine pair is the maximum inner-product pair (cos = ip / l).
// Size. At most l^2 calls of dimension 3l over classes that partition V.
// References. Alman & Yu, Theorem 1.3 (HEAD), Lemma A.13, Lemma B.5 (corrected form).
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Reductions;

/// <summary>Thm 1.3: OV through Lemma A.13 and Lemma B.5 to exact bichromatic MSD in dimension 3l.</summary>
public static class OvToBichromaticMsd
{
    /// <summary>
    /// An OV solver that asks only exact bichromatic MSD questions of <paramref name="msdSolver"/>: the stack
    /// A.13 over B.5 over the solver. Its <see cref="ReducingSolver.Stages"/> report both stages.
    /// </summary>
    public static ReducingSolver Over(ISimilaritySolver msdSolver) =>
        new(OvToBichromaticMaxIp.Instance, new ReducingSolver(new BichromaticMaxIpToBichromaticMsd(), msdSolver));
}
