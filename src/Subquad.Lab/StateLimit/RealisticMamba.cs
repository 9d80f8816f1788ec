using Subquad.Models.Alternatives.Recurrent;

namespace Subquad.Lab.StateLimit;

/// <summary>
/// Mamba's state at a deployed size (Gu and Dao's 130M configuration: D = 768, 24 layers, expand 2, N = 16, conv
/// width 4), counted with the project's own <see cref="MambaState"/> per layer, and the n at which it can no longer
/// hold the documents: keeping them all needs n l bits (l = c log2 n); the one-pass INDEX/disjointness bound needs at
/// least (1 - H2(delta)) m bits whatever the strategy (m = n - 1 once l is at least 2 ceil(log2 n) + 2; see
/// <see cref="DisjointnessBound"/>).
/// </summary>
public static class RealisticMamba
{
    /// <summary>State bits of <paramref name="layers"/> Mamba layers of width <paramref name="width"/> and state size N, at 32 bits a number.</summary>
    public static long StateBits(int width = 768, int layers = 24, int stateSize = 16)
    {
        var weights = MambaWeights.Initialise(width, 1, stateSize);
        return new MambaState(weights).Numbers * 32L * layers;
    }

    /// <summary>The largest power-of-two n whose n (c log2 n) bits still fit in <paramref name="stateBits"/>.</summary>
    public static long LargestNHoldingAll(long stateBits, double c)
    {
        long n = 2;
        while (n < (1L << 40) && (2 * n) * Math.Ceiling(c * Math.Log2(2 * n)) <= stateBits) n *= 2;
        return n;
    }

    /// <summary>
    /// The largest power-of-two n at which the one-pass bound at delta, (1 - H2(delta)) m with l = c log2 n, still allows
    /// <paramref name="stateBits"/> (beyond it no one-pass algorithm with that state errs at most delta on every input).
    /// </summary>
    public static long LargestNAllowedByBound(long stateBits, double delta, double c = 2)
    {
        long n = 2;
        while (2 * n <= int.MaxValue && Bound(2 * n) <= stateBits) n *= 2;
        return n;

        double Bound(long size) => DisjointnessBound.RandomisedBits((int)size, (int)Math.Ceiling(c * Math.Log2(size)), delta);
    }
}
