using Subquad.Learn.Mixers;

namespace Subquad.Learn.Model;

/// <summary>
/// One architecture: input features per token, classes per token, depth, the mixer (which carries the width), the
/// MLP expansion, and whether learned absolute positions are added (Zoology adds them for attention only; the
/// recurrent and convolutional mixers know order by construction).
/// </summary>
public sealed record ModelConfig(int InputDim, int Classes, int Layers, MixerSpec Mixer, int MaxLength, bool Positions, int MlpExpand = 2)
{
    /// <summary>The model width D.</summary>
    public int Width => Mixer.Width;

    /// <summary>The default positional choice for a mixer kind.</summary>
    public static bool PositionsFor(MixerKind kind) => kind is MixerKind.Attention or MixerKind.SlidingWindow;
}
