namespace Subquad.Core.Vectors;

/// <summary>
/// n rows of d float32 values, row-major. Rows are padded with zeros to <see cref="Stride"/> floats (a multiple of
/// 16, one 512-bit vector) and start on a 64-byte boundary, so FMA kernels need no tail path.
/// </summary>
/// <remarks>
/// Every value is finite: NaN and infinity are rejected at construction, so every kernel path agrees on edge values
/// (STYLE 3.4). Euclidean norms are cached in float64 (summed in row order, the canonical order used by the
/// oracle's reported cosines). Immutable after construction.
/// </remarks>
public sealed class DenseVectors : VectorSet
{
    private readonly AlignedBuffer<float> _values;
    private readonly double[] _norms;

    private DenseVectors(int count, int dimensions, AlignedBuffer<float> values, double[] norms, IReadOnlyList<string>? rowNames, string? source)
        : base(count, dimensions, rowNames, source)
    {
        _values = values;
        _norms = norms;
        Stride = StrideFor(dimensions);
    }

    /// <summary>Floats per padded row: ceil(d / 16) * 16.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override bool IsBinary => false;

    /// <summary>All rows, <see cref="Stride"/> floats each, padding included.</summary>
    public ReadOnlySpan<float> Values => _values.Span;

    internal unsafe float* Pointer => _values.Pointer;

    /// <summary>Row i without its padding (d floats).</summary>
    public ReadOnlySpan<float> Row(int i) => _values.Span.Slice(checked(i * Stride), Dimensions);

    /// <summary>Row i with its zero padding (<see cref="Stride"/> floats).</summary>
    public ReadOnlySpan<float> PaddedRow(int i) => _values.Span.Slice(checked(i * Stride), Stride);

    /// <summary>Euclidean norm of row i, in float64.</summary>
    public double Norm(int i) => _norms[i];

    /// <summary>The cached norms.</summary>
    public ReadOnlySpan<double> Norms => _norms;

    /// <summary>Entry (i, k).</summary>
    public float this[int i, int k] => (uint)k < (uint)Dimensions ? Row(i)[k] : throw new ArgumentOutOfRangeException(nameof(k));

    /// <inheritdoc/>
    public override bool IsZeroRow(int i) => _norms[i] == 0.0;

    /// <summary>Padded floats per row for d dimensions.</summary>
    public static int StrideFor(int dimensions) => Math.Max(1, (dimensions + 15) / 16) * 16;

    /// <inheritdoc/>
    public override DenseVectors WithNames(IReadOnlyList<string>? rowNames, string? source) =>
        new(Count, Dimensions, _values, _norms, rowNames, source);

    /// <summary>Builds rows from a row-major span of n*d floats.</summary>
    /// <exception cref="InputException">A value is NaN or infinite (names the row and column).</exception>
    public static DenseVectors FromRowMajor(ReadOnlySpan<float> values, int count, int dimensions, IReadOnlyList<string>? rowNames = null, string? source = null)
    {
        if ((long)count * dimensions != values.Length)
        {
            throw new ArgumentException($"{values.Length} values for {count} rows of {dimensions}", nameof(values));
        }

        var builder = new Builder(count, dimensions, source);
        for (int i = 0; i < count; i++) values.Slice(i * dimensions, dimensions).CopyTo(builder.RowSpan(i));
        return builder.Build(rowNames);
    }

    /// <summary>
    /// Wraps rows that already sit in the engine's layout (<see cref="Stride"/> floats per row, zero padding, 64-byte
    /// aligned; a memory-mapped file) with norms computed and every value checked finite by the caller. No copy.
    /// </summary>
    internal static DenseVectors Wrap(AlignedBuffer<float> values, double[] norms, int count, int dimensions, string? source)
    {
        if (values.Length != (long)count * StrideFor(dimensions)) throw new ArgumentException($"{values.Length} floats for {count} rows of stride {StrideFor(dimensions)}", nameof(values));
        if (norms.Length != count) throw new ArgumentException($"{norms.Length} norms for {count} rows", nameof(norms));
        return new DenseVectors(count, dimensions, values, norms, null, source);
    }

    /// <summary>True when the rows live in a memory-mapped file rather than in a managed array.</summary>
    public bool IsMapped => _values.IsExternal;

    /// <summary>Builds rows from jagged float rows.</summary>
    public static DenseVectors FromRows(IReadOnlyList<float[]> rows, IReadOnlyList<string>? rowNames = null, string? source = null)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows", nameof(rows));
        int d = rows[0].Length;
        var builder = new Builder(rows.Count, d, source);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d) throw new ArgumentException($"row {i} has {rows[i].Length} entries, expected {d}", nameof(rows));
            rows[i].CopyTo(builder.RowSpan(i));
        }

        return builder.Build(rowNames);
    }

    /// <summary>Mutable construction: write rows, then <see cref="Build"/> once.</summary>
    public sealed class Builder
    {
        private readonly int _count;
        private readonly int _dimensions;
        private readonly int _stride;
        private readonly string? _source;
        private AlignedBuffer<float>? _values;

        /// <summary>Starts an all-zero n x d matrix.</summary>
        public Builder(int count, int dimensions, string? source = null)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            if (dimensions < 1) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "dimensions must be at least 1");
            _count = count;
            _dimensions = dimensions;
            _stride = StrideFor(dimensions);
            _source = source;
            _values = new AlignedBuffer<float>((long)count * _stride);
        }

        private AlignedBuffer<float> Values => _values ?? throw new InvalidOperationException("Build() was already called");

        /// <summary>The d writable floats of row i (padding excluded).</summary>
        public Span<float> RowSpan(int i) => Values.Span.Slice(checked(i * _stride), _dimensions);

        /// <summary>Validates (finite values), computes norms, returns the immutable matrix.</summary>
        /// <exception cref="InputException">A value is NaN or infinite.</exception>
        public DenseVectors Build(IReadOnlyList<string>? rowNames = null)
        {
            var values = Values;
            _values = null;
            var norms = new double[_count];
            for (int i = 0; i < _count; i++)
            {
                var row = values.Span.Slice(i * _stride, _stride);
                row[_dimensions..].Clear();
                double sum = 0;
                for (int k = 0; k < _dimensions; k++)
                {
                    float x = row[k];
                    if (!float.IsFinite(x))
                    {
                        throw new InputException(_source, $"row {i}", $"column {k} is {x}; every value must be a finite number");
                    }

                    sum += (double)x * x;
                }

                norms[i] = Math.Sqrt(sum);
            }

            return new DenseVectors(_count, _dimensions, values, norms, rowNames, _source);
        }
    }
}
