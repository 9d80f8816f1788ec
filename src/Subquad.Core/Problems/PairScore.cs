using System.Globalization;

namespace Subquad.Core.Problems;

/// <summary>
/// The score of one pair. Binary pairs carry the three integers that determine every score exactly
/// (inner product and both weights); dense pairs carry their float64 value.
/// </summary>
/// <remarks>
/// For binary vectors cosine is ip / sqrt(wi * wj) and Hamming distance wi + wj - 2 ip; neither is compared through
/// <see cref="Value"/> but through <see cref="ScoreOrder"/>, which works in integers. <see cref="Value"/> is for display
/// and for the engine's float filter bounds.
/// </remarks>
public readonly record struct PairScore
{
    /// <summary>True when the integer fields are meaningful (binary input).</summary>
    public bool IsExact { get; init; }

    /// <summary>Inner product (binary input).</summary>
    public long InnerProduct { get; init; }

    /// <summary>||a||_1 of the first row (binary input).</summary>
    public long WeightI { get; init; }

    /// <summary>||b||_1 of the second row (binary input).</summary>
    public long WeightJ { get; init; }

    /// <summary>The score: cosine for MSD/LSD, Hamming distance for Min-/Max-Hamming, inner product otherwise, in float64.</summary>
    public double Value { get; init; }

    /// <summary>A binary pair's score for <paramref name="kind"/>.</summary>
    public static PairScore Binary(ProblemKind kind, long innerProduct, long weightI, long weightJ) => new()
    {
        IsExact = true,
        InnerProduct = innerProduct,
        WeightI = weightI,
        WeightJ = weightJ,
        Value = kind.IsCosine()
            ? (weightI == 0 || weightJ == 0 ? double.NaN : innerProduct / Math.Sqrt((double)weightI * weightJ))
            : kind.IsHamming() ? HammingOf(innerProduct, weightI, weightJ) : innerProduct,
    };

    /// <summary>The Hamming distance of a binary pair (|a| + |b| - 2 a.b: the bits set in exactly one of them); exact only when <see cref="IsExact"/>.</summary>
    public long Hamming => HammingOf(InnerProduct, WeightI, WeightJ);

    private static long HammingOf(long innerProduct, long weightI, long weightJ) => weightI + weightJ - (2 * innerProduct);

    /// <summary>A dense pair's score (cosine or inner product already computed in float64).</summary>
    public static PairScore Dense(double value) => new() { IsExact = false, Value = value };

    /// <inheritdoc/>
    public override string ToString() => IsExact
        ? string.Create(CultureInfo.InvariantCulture, $"{Value:G6} (ip {InnerProduct}, weights {WeightI}, {WeightJ})")
        : Value.ToString("G9", CultureInfo.InvariantCulture);
}
