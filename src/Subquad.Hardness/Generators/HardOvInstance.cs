using Subquad.Core.Vectors;

namespace Subquad.Hardness.Generators;

/// <summary>A generated OV instance and what was planted in it.</summary>
/// <param name="Vectors">n rows in {0,1}^l, none zero.</param>
/// <param name="Density">The probability p of a one.</param>
/// <param name="ExpectedOrthogonalPairs">(n choose 2) (1 - p^2)^l before planting.</param>
/// <param name="PlantedI">The planted pair's first row, or -1.</param>
/// <param name="PlantedJ">The planted pair's second row, or -1.</param>
public sealed record HardOvInstance(BinaryVectors Vectors, double Density, double ExpectedOrthogonalPairs, int PlantedI, int PlantedJ);
