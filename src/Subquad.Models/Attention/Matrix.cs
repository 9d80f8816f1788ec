namespace Subquad.Models.Attention;

/// <summary>A dense row-major matrix of float64: the currency of the attention engine and every mixer.</summary>
public sealed class Matrix
{
    /// <summary>A zero matrix.</summary>
    public Matrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        Data = new double[checked(rows * columns)];
    }

    /// <summary>Wraps row-major data (not copied).</summary>
    public Matrix(int rows, int columns, double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * columns) throw new ArgumentException($"{data.Length} values for {rows} x {columns}", nameof(data));
        Rows = rows;
        Columns = columns;
        Data = data;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Row-major values.</summary>
    public double[] Data { get; }

    /// <summary>Entry (r, c).</summary>
    public ref double this[int r, int c] => ref Data[(r * Columns) + c];

    /// <summary>Row r.</summary>
    public Span<double> Row(int r) => Data.AsSpan(r * Columns, Columns);

    /// <summary>A deep copy.</summary>
    public Matrix Clone() => new(Rows, Columns, (double[])Data.Clone());
}
