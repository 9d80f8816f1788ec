using System.Numerics;
using System.Runtime.InteropServices;

namespace Subquad.Core.Vectors;

/// <summary>
/// n rows of l bits, bit-packed into 64-bit words. Bit k of row i is bit (k mod 64) of word (k / 64).
/// </summary>
/// <remarks>
/// Layout contract (DESIGN.md, STYLE 3.3.4): every row occupies <see cref="WordsPerRow"/> words, a multiple of 8
/// (512 bits), and starts on a 64-byte boundary; the padding bits past <see cref="VectorSet.Dimensions"/> are zero,
/// so AND-popcount kernels need no tail path. Row weights (popcounts, ||v||_1) are computed once at construction.
/// Immutable after construction.
/// </remarks>
public sealed class BinaryVectors : VectorSet
{
    private readonly AlignedBuffer<ulong> _words;
    private readonly int[] _weights;

    private BinaryVectors(int count, int dimensions, AlignedBuffer<ulong> words, int[] weights, IReadOnlyList<string>? rowNames, string? source)
        : base(count, dimensions, rowNames, source)
    {
        _words = words;
        _weights = weights;
        WordsPerRow = WordsFor(dimensions);
    }

    /// <summary>Words per row including padding: ceil(l / 512) * 8.</summary>
    public int WordsPerRow { get; }

    /// <inheritdoc/>
    public override bool IsBinary => true;

    /// <summary>All rows, <see cref="WordsPerRow"/> words each, padding included.</summary>
    public ReadOnlySpan<ulong> Words => _words.Span;

    /// <summary>Raw 64-byte-aligned pointer to word 0 of row 0 (valid for the lifetime of this object; pinned).</summary>
    internal unsafe ulong* Pointer => _words.Pointer;

    /// <summary>Row <paramref name="i"/> including its zero padding.</summary>
    public ReadOnlySpan<ulong> Row(int i) => _words.Span.Slice(checked(i * WordsPerRow), WordsPerRow);

    /// <summary>Number of ones in row <paramref name="i"/> (||v_i||_1).</summary>
    public int Weight(int i) => _weights[i];

    /// <summary>The cached row weights.</summary>
    public ReadOnlySpan<int> Weights => _weights;

    /// <summary>Bit <paramref name="k"/> of row <paramref name="i"/>.</summary>
    public bool this[int i, int k]
    {
        get
        {
            if ((uint)k >= (uint)Dimensions) throw new ArgumentOutOfRangeException(nameof(k));
            return ((Row(i)[k >> 6] >> (k & 63)) & 1UL) != 0;
        }
    }

    /// <inheritdoc/>
    public override bool IsZeroRow(int i) => _weights[i] == 0;

    /// <summary>Words per padded row for l bits: a multiple of 8 words (512 bits), at least 8.</summary>
    public static int WordsFor(int dimensions) => Math.Max(1, (dimensions + 511) / 512) * 8;

    /// <inheritdoc/>
    public override BinaryVectors WithNames(IReadOnlyList<string>? rowNames, string? source) =>
        new(Count, Dimensions, _words, _weights, rowNames, source);

    /// <summary>Builds rows from a row-major array of 0/1 bytes (n*l entries). Any other value is rejected.</summary>
    /// <exception cref="ArgumentException">Length is not count*dimensions, or an entry is not 0 or 1.</exception>
    public static BinaryVectors FromZeroOne(ReadOnlySpan<byte> values, int count, int dimensions, IReadOnlyList<string>? rowNames = null, string? source = null)
    {
        if ((long)count * dimensions != values.Length)
        {
            throw new ArgumentException($"{values.Length} values for {count} rows of {dimensions}", nameof(values));
        }

        var builder = new Builder(count, dimensions);
        for (int i = 0; i < count; i++)
        {
            var row = values.Slice(i * dimensions, dimensions);
            for (int k = 0; k < dimensions; k++)
            {
                byte b = row[k];
                if (b > 1) throw new ArgumentException($"row {i}, column {k}: {b} is not 0 or 1", nameof(values));
                if (b == 1) builder.Set(i, k);
            }
        }

        return builder.Build(rowNames, source);
    }

    /// <summary>Builds rows from jagged bool rows, all of the same length.</summary>
    public static BinaryVectors FromRows(IReadOnlyList<bool[]> rows, int? dimensions = null, IReadOnlyList<string>? rowNames = null, string? source = null)
    {
        int l = dimensions ?? (rows.Count > 0 ? rows[0].Length : throw new ArgumentException("no rows and no dimensions", nameof(rows)));
        var builder = new Builder(rows.Count, l);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != l) throw new ArgumentException($"row {i} has {rows[i].Length} entries, expected {l}", nameof(rows));
            for (int k = 0; k < l; k++) if (rows[i][k]) builder.Set(i, k);
        }

        return builder.Build(rowNames, source);
    }

    /// <summary>Builds rows from strings of '0' and '1' ("0110"): handy in tests and examples.</summary>
    public static BinaryVectors Parse(params string[] rows)
    {
        var bools = rows.Select(r => r.Select(c => c switch
        {
            '0' => false,
            '1' => true,
            _ => throw new ArgumentException($"'{c}' in \"{r}\" is not 0 or 1", nameof(rows)),
        }).ToArray()).ToArray();
        return FromRows(bools);
    }

    /// <summary>Builds rows from packed words, <paramref name="wordsPerRowIn"/> per row (bits past l must be zero or are cleared).</summary>
    public static BinaryVectors FromPackedWords(ReadOnlySpan<ulong> words, int count, int dimensions, int wordsPerRowIn, IReadOnlyList<string>? rowNames = null, string? source = null)
    {
        var builder = new Builder(count, dimensions);
        int copy = (dimensions + 63) / 64;
        for (int i = 0; i < count; i++)
        {
            words.Slice(i * wordsPerRowIn, copy).CopyTo(builder.RowSpan(i));
        }

        return builder.Build(rowNames, source);
    }

    /// <summary>
    /// Mutable construction of a <see cref="BinaryVectors"/>: set bits, then <see cref="Build"/> once. Padding bits are
    /// cleared by <see cref="Build"/> whatever was written past l.
    /// </summary>
    public sealed class Builder
    {
        private readonly int _count;
        private readonly int _dimensions;
        private readonly int _wordsPerRow;
        private AlignedBuffer<ulong>? _words;

        /// <summary>Starts an all-zero n x l matrix.</summary>
        public Builder(int count, int dimensions)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            if (dimensions < 1) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "dimensions must be at least 1");
            _count = count;
            _dimensions = dimensions;
            _wordsPerRow = WordsFor(dimensions);
            _words = new AlignedBuffer<ulong>((long)count * _wordsPerRow);
        }

        private AlignedBuffer<ulong> Words => _words ?? throw new InvalidOperationException("Build() was already called");

        /// <summary>Sets bit k of row i to one.</summary>
        public void Set(int i, int k)
        {
            if ((uint)i >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(i));
            if ((uint)k >= (uint)_dimensions) throw new ArgumentOutOfRangeException(nameof(k));
            Words.Span[i * _wordsPerRow + (k >> 6)] |= 1UL << (k & 63);
        }

        /// <summary>Sets bit k of row i to <paramref name="value"/>.</summary>
        public void Set(int i, int k, bool value)
        {
            if (value)
            {
                Set(i, k);
                return;
            }

            if ((uint)i >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(i));
            if ((uint)k >= (uint)_dimensions) throw new ArgumentOutOfRangeException(nameof(k));
            Words.Span[i * _wordsPerRow + (k >> 6)] &= ~(1UL << (k & 63));
        }

        /// <summary>The words of row i (padding included) for bulk writes.</summary>
        public Span<ulong> RowSpan(int i) => Words.Span.Slice(checked(i * _wordsPerRow), _wordsPerRow);

        /// <summary>Clears padding, computes weights and returns the immutable matrix.</summary>
        public BinaryVectors Build(IReadOnlyList<string>? rowNames = null, string? source = null)
        {
            var words = Words;
            _words = null;
            var weights = new int[_count];
            int fullWords = _dimensions >> 6;
            int tailBits = _dimensions & 63;
            for (int i = 0; i < _count; i++)
            {
                var row = words.Span.Slice(i * _wordsPerRow, _wordsPerRow);
                if (tailBits != 0) row[fullWords] &= (1UL << tailBits) - 1;
                row[(fullWords + (tailBits != 0 ? 1 : 0))..].Clear();
                int weight = 0;
                foreach (ulong w in row) weight += BitOperations.PopCount(w);
                weights[i] = weight;
            }

            return new BinaryVectors(_count, _dimensions, words, weights, rowNames, source);
        }
    }
}
