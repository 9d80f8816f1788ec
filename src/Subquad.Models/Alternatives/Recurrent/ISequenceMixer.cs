using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>
/// A causal sequence model that replaces attention (linear attention, Mamba): it reads x_1..x_L left to right and
/// carries a fixed-size state between tokens, so output t depends only on x_1..x_t. Its state size is what bounds it:
/// any such model is a one-pass algorithm whose memory is its state (paper.md section 5).
/// </summary>
public interface ISequenceMixer
{
    /// <summary>Name with its sizes ("mamba(D=16,N=16)").</summary>
    string Name { get; }

    /// <summary>Maps x (L x D) to y (L x D_out), causally.</summary>
    Matrix Forward(Matrix x, CancellationToken cancellationToken = default);

    /// <summary>Cost of a forward pass over <paramref name="length"/> tokens, with the state carried between tokens (numbers and bits).</summary>
    MixerCost Cost(int length);
}
