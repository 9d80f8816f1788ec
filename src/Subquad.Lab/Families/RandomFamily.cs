using System.Globalization;
using Subquad.Core.Generators;
using Subquad.Core.Problems;

namespace Subquad.Lab.Families;

/// <summary>Every bit one with probability p, rows non-zero (the easy family: at fixed p its answer is almost always the same).</summary>
public sealed class RandomFamily(double density) : IInstanceFamily
{
    /// <summary>p.</summary>
    public double Density { get; } = density is >= 0 and <= 1 ? density : throw new ArgumentOutOfRangeException(nameof(density), density, "density must lie in [0, 1]");

    /// <inheritdoc/>
    public bool IsControl => true;

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"random(p={Density:0.###})");

    /// <inheritdoc/>
    public SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed)
    {
        if (!bichromatic) return SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(count, dimensions, Density, seed));
        var random = new Random(seed);
        int half = Math.Max(1, count / 2);
        return SimilarityInstance.Bichromatic(
            InstanceGenerator.RandomBinary(half, dimensions, Density, random.Next()),
            InstanceGenerator.RandomBinary(half, dimensions, Density, random.Next()));
    }
}
