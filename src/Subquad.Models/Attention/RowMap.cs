namespace Subquad.Models.Attention;

/// <summary>
/// An "MLP" of Def 2.2 applied row by row: any continuous map R^InputWidth -&gt; R^OutputWidth, given here as a closed
/// form (paper.md section 7 item 12: the paper's phi are formulas, not trained weights).
/// </summary>
/// <param name="InputWidth">d, the raw token width.</param>
/// <param name="OutputWidth">d_in of the attention unit.</param>
/// <param name="Map">Writes phi(source) to destination (OutputWidth values).</param>
public sealed record RowMap(int InputWidth, int OutputWidth, RowMapFunction Map)
{
    /// <summary>Applies the map to every row of <paramref name="raw"/>.</summary>
    /// <exception cref="ArgumentException">The raw width is not <see cref="InputWidth"/>.</exception>
    public Matrix Apply(Matrix raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Columns != InputWidth) throw new ArgumentException($"raw rows have {raw.Columns} columns but phi1 expects {InputWidth}", nameof(raw));
        var result = new Matrix(raw.Rows, OutputWidth);
        for (int i = 0; i < raw.Rows; i++) Map(raw.Row(i), result.Row(i));
        return result;
    }
}

/// <summary>Writes phi(source) into destination.</summary>
public delegate void RowMapFunction(ReadOnlySpan<double> source, Span<double> destination);
