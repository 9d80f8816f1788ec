namespace Subquad.Core.Vectors;

/// <summary>
/// n rows of the same width: the documents of a similarity instance. Either <see cref="BinaryVectors"/> (bits,
/// the paper's bag-of-words setting) or <see cref="DenseVectors"/> (float32 embeddings).
/// </summary>
public abstract class VectorSet
{
    private protected VectorSet(int count, int dimensions, IReadOnlyList<string>? rowNames, string? source)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "row count must be non-negative");
        if (dimensions < 1) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "dimensions must be at least 1");
        if (rowNames is not null && rowNames.Count != count)
        {
            throw new ArgumentException($"{rowNames.Count} row names for {count} rows", nameof(rowNames));
        }

        Count = count;
        Dimensions = dimensions;
        RowNames = rowNames;
        Source = source;
    }

    /// <summary>Number of rows (documents), n.</summary>
    public int Count { get; }

    /// <summary>Width of each row: l bits or d floats.</summary>
    public int Dimensions { get; }

    /// <summary>Optional name per row (for example the file a bag-of-words row came from).</summary>
    public IReadOnlyList<string>? RowNames { get; }

    /// <summary>Where the rows came from (a file name), for error messages; null when generated.</summary>
    public string? Source { get; }

    /// <summary>True for <see cref="BinaryVectors"/>.</summary>
    public abstract bool IsBinary { get; }

    /// <summary>The display name of row <paramref name="i"/>: its row name if any, else its index.</summary>
    public string NameOf(int i) => RowNames is null ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : RowNames[i];

    /// <summary>True when row <paramref name="i"/> is all zeros (cosine is undefined for it).</summary>
    public abstract bool IsZeroRow(int i);

    /// <summary>Returns the same rows with other names and source (no copy of the data).</summary>
    public abstract VectorSet WithNames(IReadOnlyList<string>? rowNames, string? source);
}
