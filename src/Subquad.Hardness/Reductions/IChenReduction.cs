using Subquad.Core.Problems;

namespace Subquad.Hardness.Reductions;

/// <summary>
/// The interface Lemma B.6 (Chen) would implement: decide OV using a (log n)-Additive-BMax-IP algorithm. Not implemented
/// here; the exact route OV -> BMax-IP of Lemma A.13 (<see cref="OvToBichromaticMaxIp"/>) is the executable one.
/// </summary>
public interface IChenReduction
{
    /// <summary>Decides OV on <paramref name="vectors"/> with an additive-approximate bichromatic Max-IP oracle.</summary>
    bool DecideOv(SimilarityInstance vectors, Func<SimilarityInstance, long, long, bool> additiveMaxIp);
}
