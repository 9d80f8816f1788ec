using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>
/// What Mamba carries from token to token: the last d_conv - 1 conv inputs per channel (E x (d_conv - 1)) and the SSM
/// state h (E x N). The reference keeps an E x d_conv rolling conv buffer whose newest slot is overwritten before use,
/// so d_conv - 1 columns are the information it carries.
/// </summary>
public sealed class MambaState
{
    /// <summary>A zero state (h_0 = 0, x_{&lt;0} = 0).</summary>
    public MambaState(MambaWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ConvInputs = new Matrix(weights.Inner, Math.Max(0, weights.ConvWidth - 1));
        H = new Matrix(weights.Inner, weights.StateSize);
    }

    /// <summary>Previous conv inputs, oldest first: E x (d_conv - 1).</summary>
    public Matrix ConvInputs { get; }

    /// <summary>SSM state h: E x N.</summary>
    public Matrix H { get; }

    /// <summary>Numbers in the state.</summary>
    public long Numbers => ConvInputs.Data.LongLength + H.Data.LongLength;
}
