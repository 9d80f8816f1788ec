using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Training;

/// <summary>
/// A trainable tensor, whether AdamW decays it (Mamba's A_log and D, norms and biases are not decayed), and a multiplier
/// on the learning rate for it (1 for everything except scalars like attention's learned temperature, which Adam would
/// otherwise move by only the base rate per step in log space).
/// </summary>
public sealed record Parameter(Tensor Value, bool Decay = true, double LearningRateScale = 1)
{
    /// <summary>The tensor's name.</summary>
    public string Name => Value.Name ?? "?";
}
