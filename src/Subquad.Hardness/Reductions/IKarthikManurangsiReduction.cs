using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Reductions;

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
