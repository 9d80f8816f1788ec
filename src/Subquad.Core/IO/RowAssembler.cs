using System.Globalization;
using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>Reads row <c>row</c> of a file into <paramref name="destination"/> (called for rows 0, 1, ... in order).</summary>
internal delegate void RowSource(int row, Span<double> destination);

/// <summary>
/// Turns rows of numbers into a <see cref="BinaryVectors"/> or <see cref="DenseVectors"/>, with the checks every
/// reader shares: binary entries must be exactly 0 or 1, dense entries finite and inside the float32 range. Errors
/// name the row and column through a <see cref="Locator"/> (readers number them their own way: npy row/column,
/// CSV line/field).
/// </summary>
internal static class RowAssembler
{
    /// <summary>Where entry (row, column) is, for messages ("row 3, column 5" or "line 9, field 6").</summary>
    public delegate string Locator(int row, int column);

    /// <summary>Zero-based "row i, column k", the numpy indexing of the entry.</summary>
    public static string RowColumn(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"row {row}, column {column}");

    public static VectorSet Assemble(string? source, int count, int dimensions, VectorKind kind, RowSource read, Locator? locate = null, string? binaryHint = null)
    {
        locate ??= RowColumn;
        MemoryBudget.Check(source, count, dimensions, kind);
        var values = new double[dimensions];
        if (kind == VectorKind.Binary)
        {
            var builder = new BinaryVectors.Builder(count, dimensions);
            for (int i = 0; i < count; i++)
            {
                read(i, values);
                var words = builder.RowSpan(i);
                for (int k = 0; k < dimensions; k++)
                {
                    double v = values[k];
                    if (v == 1) words[k >> 6] |= 1UL << (k & 63);
                    else if (v != 0)
                    {
                        throw new InputException(source, locate(i, k), $"{Show(v)} is not 0 or 1; binary vectors need 0/1 entries{binaryHint}");
                    }
                }
            }

            return builder.Build(null, source);
        }

        var dense = new DenseVectors.Builder(count, dimensions, source);
        for (int i = 0; i < count; i++)
        {
            read(i, values);
            var row = dense.RowSpan(i);
            for (int k = 0; k < dimensions; k++)
            {
                double v = values[k];
                if (!double.IsFinite(v))
                {
                    throw new InputException(source, locate(i, k), $"{Show(v)} is not a finite number; remove or replace NaN and infinite values");
                }

                float f = (float)v;
                if (!float.IsFinite(f))
                {
                    throw new InputException(source, locate(i, k), $"{Show(v)} is outside the float32 range (about 3.4e38); rescale the data");
                }

                row[k] = f;
            }
        }

        return dense.Build();
    }

    /// <summary>True when every value is exactly 0 or 1.</summary>
    public static bool IsZeroOne(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (v != 0 && v != 1) return false;
        }

        return true;
    }

    public static string Show(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);
}
