using Subquad.Core.Problems;

namespace Subquad.Learn.Tasks;

/// <summary>
/// A balanced, tell-free family of documents for the partner tasks: every document has exactly <see cref="Weight"/>
/// ones among <see cref="Dimensions"/> bits (so weight, and with it the cosine denominator, says nothing), and the
/// problem's test is a threshold on the inner product: OV ip = 0; LSD_t cos ≤ t; MSD_t cos ≥ t with t = τ / w.
/// Random pairs meet the test rarely (the defaults: OV 4.6e-3, LSD 1.5e-3, MSD 2.2e-4 per pair), so "no" documents
/// can be drawn by rejection up to n = 512, and "yes" documents are planted (a uniformly random document sharing
/// exactly τ bits with a uniformly random earlier one).
/// </summary>
public sealed record PartnerFamily(ProblemKind Kind, int Dimensions, int Weight, int Tau)
{
    /// <summary>OV: 64 bits, weight 16.</summary>
    public static PartnerFamily Ov { get; } = new(ProblemKind.Ov, 64, 16, 0);

    /// <summary>LSD_t with t = 1/20: 64 bits, weight 20, cos ≤ 1/20 (ip ≤ 1).</summary>
    public static PartnerFamily Lsd { get; } = new(ProblemKind.Lsd, 64, 20, 1);

    /// <summary>MSD_t with t = 5/8: 64 bits, weight 16, cos ≥ 10/16 (ip ≥ 10).</summary>
    public static PartnerFamily Msd { get; } = new(ProblemKind.Msd, 64, 16, 10);

    /// <summary>The three families by name: ov, lsd, msd.</summary>
    public static PartnerFamily Parse(string name) => name.ToLowerInvariant() switch
    {
        "ov" => Ov,
        "lsd" => Lsd,
        "msd" => Msd,
        _ => throw new ArgumentException($"unknown problem \"{name}\" (ov, lsd, msd)", nameof(name)),
    };

    /// <summary>Short name.</summary>
    public string Name => Kind switch { ProblemKind.Ov => "ov", ProblemKind.Lsd => "lsd", ProblemKind.Msd => "msd", _ => Kind.ToString().ToLowerInvariant() };

    /// <summary>The Core problem whose exact test labels the data.</summary>
    public Problem Problem => Kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.WithThreshold(Kind, new Rational(Tau, Weight));

    /// <summary>Bits of one document: log2 C(l, w), what a one-pass memory must spend per remembered document.</summary>
    public double BitsPerDocument
    {
        get
        {
            double s = 0;
            for (int i = 0; i < Weight; i++) s += Math.Log2(Dimensions - i) - Math.Log2(i + 1);
            return s;
        }
    }

    /// <summary>The generator's own test (used only to plant and to reject; labels come from Core).</summary>
    internal bool Meets(ulong a, ulong b)
    {
        int ip = System.Numerics.BitOperations.PopCount(a & b);
        return Kind switch { ProblemKind.Ov => ip == 0, ProblemKind.Lsd => ip <= Tau, _ => ip >= Tau };
    }

    /// <summary>Checks the family can be generated.</summary>
    public void Validate()
    {
        if (Dimensions is < 2 or > 64) throw new ArgumentOutOfRangeException(nameof(Dimensions), Dimensions, "1 word per document: 2..64 bits");
        if (Weight < 1 || Tau < 0 || Tau > Weight || Dimensions - Weight < Weight - Tau) throw new ArgumentOutOfRangeException(nameof(Weight), $"weight {Weight}, tau {Tau} cannot be planted in {Dimensions} bits");
    }
}
