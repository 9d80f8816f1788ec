namespace Subquad.Learn.Mixers;

/// <summary>
/// A mixer's hyperparameters. Width is the model width D; the rest default to the reference settings scaled down
/// for a CPU (Mamba: N = 16, d_conv = 4, expand = 2; Based: feature dim 8 per head, conv 3; window 16). QkNorm (attention
/// and window only): RMSNorm on q and on k with learned gains before the scores, so the softmax sharpness is one learned
/// scale per column instead of a product of whole matrices (see docs/learn.md, "Why trained attention misses").
/// </summary>
public sealed record MixerSpec(MixerKind Kind, int Width, int Heads = 1, int Window = 16, int FeatureDim = 8, int StateDim = 16, int ConvKernel = 4, int Expand = 2, bool QkNorm = false, double? LogitScale = null)
{
    /// <summary>Builds the mixer with parameters drawn from <paramref name="init"/>.</summary>
    public IMixer Create(Training.Init init, string prefix = "") => Kind switch
    {
        MixerKind.Attention => new AttentionMixer(init, prefix, Width, Heads, null, QkNorm, LogitScale),
        MixerKind.SlidingWindow => new AttentionMixer(init, prefix, Width, Heads, Window, QkNorm, LogitScale),
        MixerKind.Based => new BasedMixer(init, prefix, Width, Heads, FeatureDim, 3),
        MixerKind.Mamba => new MambaMixer(init, prefix, Width, StateDim, ConvKernel, Expand),
        MixerKind.GatedDeltaNet => new GatedDeltaNetMixer(init, prefix, Width, Heads),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown mixer"),
    };

    /// <summary>Checks the shape constraints; returns an error message or null.</summary>
    public string? Validate()
    {
        if (Width < 1) return $"width {Width} must be positive";
        if (Heads < 1 || Width % Heads != 0) return $"width {Width} is not divisible into {Heads} heads";
        if (LogitScale is { } g && !(g > 0 && double.IsFinite(g))) return $"logit scale {g} must be positive and finite";
        if (Kind == MixerKind.SlidingWindow && Window < 1) return $"window {Window} must be positive";
        return null;
    }
}
