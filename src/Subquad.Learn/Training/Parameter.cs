using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Training;

/// <summary>A trainable tensor and whether AdamW decays it (Mamba's A_log and D, norms and biases are not decayed).</summary>
public sealed record Parameter(Tensor Value, bool Decay = true)
{
    /// <summary>The tensor's name.</summary>
    public string Name => Value.Name ?? "?";
}
