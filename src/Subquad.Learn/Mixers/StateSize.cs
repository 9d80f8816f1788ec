namespace Subquad.Learn.Mixers;

/// <summary>
/// The state a mixer carries from one token to the next at inference, per layer: the numbers it must keep, their
/// bits (float32: 32 each), and the formula that gave them. For attention this is the KV cache, which grows with
/// the sequence; for a recurrent mixer it is fixed.
/// </summary>
public readonly record struct StateSize(long Numbers, string Formula)
{
    /// <summary>Bits per number (the state is kept in float32).</summary>
    public const int BitsPerNumber = 32;

    /// <summary>Numbers × 32.</summary>
    public long Bits => Numbers * BitsPerNumber;

    /// <summary>The same state over <paramref name="layers"/> layers.</summary>
    public StateSize Times(int layers) => new(Numbers * layers, $"{layers} × ({Formula})");
}
