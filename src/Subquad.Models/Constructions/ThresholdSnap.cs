namespace Subquad.Models.Constructions;

/// <summary>
/// The achievable values on either side of a threshold (see <see cref="AchievableValues.Snap"/>): the decision
/// "some pair's score meets t" is the same as "some pair's score is on <see cref="Witness"/>'s side of
/// <see cref="Midpoint"/>", and no achievable score lies within <see cref="HalfGap"/> of the midpoint.
/// </summary>
/// <param name="Witness">The achievable value nearest t that meets it (virtual, at distance 1 from
/// <paramref name="Other"/>, when none exists: no pair can be a witness).</param>
/// <param name="Other">The nearest achievable value that does not meet t (virtual when none: every pair is a witness).</param>
/// <param name="HasWitness">False when <paramref name="Witness"/> is virtual.</param>
/// <param name="HasOther">False when <paramref name="Other"/> is virtual.</param>
public sealed record ThresholdSnap(double Witness, double Other, bool HasWitness, bool HasOther)
{
    /// <summary>|Witness - Other|: the intrinsic spacing of achievable scores at t (at most 1).</summary>
    public double Gap => Math.Abs(Witness - Other);

    /// <summary>The threshold a construction uses: half-way between the two values (no achievable score is nearer).</summary>
    public double Midpoint => (Witness + Other) / 2;

    /// <summary>Distance from the midpoint to the nearest achievable score on either side.</summary>
    public double HalfGap => Gap / 2;

    /// <summary>The witness-side cosine kept exact (k, a, b), or null for inner products or a virtual value.</summary>
    public CosineValue? WitnessCosine { get; init; }

    /// <summary>The other side's cosine kept exact, or null.</summary>
    public CosineValue? OtherCosine { get; init; }
}
