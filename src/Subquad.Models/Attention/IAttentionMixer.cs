namespace Subquad.Models.Attention;

/// <summary>
/// Anything that can stand where the attention unit stands: exact attention (Def 2.1) or a subquadratic heuristic
/// (LSH, random features, low rank, sliding window, clustering) applied to the same X, Q, K, V.
/// </summary>
public interface IAttentionMixer
{
    /// <summary>Name with its budget, for tables ("lsh(rounds=2,buckets=16)").</summary>
    string Name { get; }

    /// <summary>Maps X (n x d_in) to n x d_out.</summary>
    Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default);

    /// <summary>What one forward pass on n rows costs.</summary>
    MixerCost Cost(int rows, AttentionWeights weights);
}

/// <summary>The cost of one forward pass: floating-point operations and the state carried (recurrent mixers).</summary>
/// <param name="Flops">Multiply-adds count as 2.</param>
/// <param name="StateNumbers">Numbers of state carried between tokens (0 for non-recurrent mixers).</param>
/// <param name="StateBits">Bits of that state at the mixer's precision.</param>
public readonly record struct MixerCost(double Flops, long StateNumbers, long StateBits);
