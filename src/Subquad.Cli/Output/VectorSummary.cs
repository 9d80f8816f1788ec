using System.Globalization;
using System.Runtime.InteropServices;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Output;

/// <summary>What <c>subquad info FILE</c> reports about a set of vectors: weights or norms, zero rows, duplicates.</summary>
internal sealed record VectorSummary
{
    public required int Rows { get; init; }

    public required int Dimensions { get; init; }

    public required bool Binary { get; init; }

    /// <summary>Fraction of ones (binary) or of nonzero entries (dense).</summary>
    public required double Density { get; init; }

    /// <summary>Row weights (binary) or Euclidean norms (dense): min, mean, max.</summary>
    public required (double Min, double Mean, double Max) RowSize { get; init; }

    public required int ZeroRows { get; init; }

    /// <summary>Rows bit-identical to an earlier row.</summary>
    public required int DuplicateRows { get; init; }

    /// <summary>The first zero row, if any (cosine problems refuse it).</summary>
    public int? FirstZeroRow { get; init; }

    public static VectorSummary Of(VectorSet vectors)
    {
        int n = vectors.Count;
        double min = n == 0 ? 0 : double.PositiveInfinity, max = n == 0 ? 0 : double.NegativeInfinity, sum = 0;
        long nonzero = 0;
        int zeros = 0;
        int? firstZero = null;
        for (int i = 0; i < n; i++)
        {
            double size = vectors is BinaryVectors b ? b.Weight(i) : ((DenseVectors)vectors).Norm(i);
            min = Math.Min(min, size);
            max = Math.Max(max, size);
            sum += size;
            if (vectors.IsZeroRow(i))
            {
                zeros++;
                firstZero ??= i;
            }

            if (vectors is BinaryVectors bits) nonzero += bits.Weight(i);
            else foreach (float x in ((DenseVectors)vectors).Row(i)) if (x != 0) nonzero++;
        }

        return new VectorSummary
        {
            Rows = n,
            Dimensions = vectors.Dimensions,
            Binary = vectors.IsBinary,
            Density = n == 0 ? 0 : nonzero / ((double)n * vectors.Dimensions),
            RowSize = (min, n == 0 ? 0 : sum / n, max),
            ZeroRows = zeros,
            FirstZeroRow = firstZero,
            DuplicateRows = CountDuplicates(vectors),
        };
    }

    /// <summary>Rows equal to an earlier row: hashed, then compared exactly within a hash bucket.</summary>
    private static int CountDuplicates(VectorSet vectors)
    {
        var buckets = new Dictionary<int, List<int>>();
        int duplicates = 0;
        for (int i = 0; i < vectors.Count; i++)
        {
            var bytes = RowBytes(vectors, i);
            var hasher = new HashCode();
            hasher.AddBytes(bytes);
            int hash = hasher.ToHashCode();
            if (!buckets.TryGetValue(hash, out var rows)) buckets[hash] = rows = [];
            bool seen = false;
            foreach (int r in rows)
            {
                if (RowBytes(vectors, r).SequenceEqual(bytes))
                {
                    seen = true;
                    break;
                }
            }

            if (seen) duplicates++;
            else rows.Add(i);
        }

        return duplicates;
    }

    private static ReadOnlySpan<byte> RowBytes(VectorSet vectors, int i) => vectors switch
    {
        BinaryVectors b => MemoryMarshal.AsBytes(b.Row(i)),
        DenseVectors d => MemoryMarshal.AsBytes(d.Row(i)),
        _ => throw new ArgumentException("unknown vector set", nameof(vectors)),
    };

    public string Describe(double value) => value.ToString(Binary ? "0.##" : "G6", CultureInfo.InvariantCulture);
}
