using Subquad.Learn.Autodiff;
using Subquad.Learn.Training;

namespace Subquad.Learn.Mixers;

/// <summary>A sequence mixer: [batch * length, width] in, the same shape out, causal.</summary>
public interface IMixer
{
    /// <summary>Which mixer.</summary>
    MixerKind Kind { get; }

    /// <summary>Trainable parameters, named (the PyTorch fixtures address them by name).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The mixer applied to each sequence of the batch.</summary>
    Tensor Forward(Tape tape, Tensor x, int batch, int length);

    /// <summary>Per-layer inference state after <paramref name="length"/> tokens.</summary>
    StateSize State(int length);
}
