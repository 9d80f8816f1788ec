using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// What the two LSH mixers (<see cref="LshAttention"/>, separate sorts; <see cref="SharedLshAttention"/>, one shared
/// sequence) have in common: rounds, buckets (1 or even: random-rotation hashing yields argmax over [xR ; -xR]), seed,
/// trailing global rows, the bucket hash itself, and the pair count their cost is made of.
/// </summary>
public sealed class LshParameters
{
    /// <summary>Validated parameters.</summary>
    public LshParameters(int rounds, int buckets, int seed, int globalRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalRows);
        if (buckets > 1 && buckets % 2 != 0) throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "random-rotation hashing makes an even number of buckets (argmax over [xR; -xR]); use 1 or an even number");
        Rounds = rounds;
        Buckets = buckets;
        Seed = seed;
        GlobalRows = globalRows;
    }

    /// <summary>Hash rounds.</summary>
    public int Rounds { get; }

    /// <summary>Buckets per round (also the number of chunks).</summary>
    public int Buckets { get; }

    /// <summary>Seed of the rotations.</summary>
    public int Seed { get; }

    /// <summary>Trailing global rows.</summary>
    public int GlobalRows { get; }

    /// <summary>"rounds=2,buckets=16,global=1" for mixer names.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"rounds={Rounds},buckets={Buckets}{(GlobalRows > 0 ? $",global={GlobalRows}" : "")}");

    /// <summary>The bucket of one row: argmax over [x R ; -x R], ties to the smallest index; always 0 with one bucket.</summary>
    public int Hash(ReadOnlySpan<double> row, Matrix rotation)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        if (Buckets == 1) return 0;
        int half = Buckets / 2;
        Span<double> projected = half <= 256 ? stackalloc double[half] : new double[half];
        for (int h = 0; h < half; h++)
        {
            double p = 0;
            for (int a = 0; a < row.Length; a++) p += row[a] * rotation[a, h];
            projected[h] = p;
        }

        return ArgMax(projected);
    }

    /// <summary>
    /// <see cref="Hash"/> of every row of <paramref name="rows"/> into <paramref name="destination"/>, the projections
    /// vectorised across the b/2 rotation columns (a multiply then an add per term, in coordinate order: bitwise the
    /// scalar sums, so the same buckets; tested).
    /// </summary>
    internal void HashRows(Matrix rows, Matrix rotation, Span<int> destination)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(rotation);
        if (Buckets == 1)
        {
            destination[..rows.Rows].Clear();
            return;
        }

        int half = Buckets / 2, lanes = System.Numerics.Vector<double>.Count;
        var projected = new double[half];
        for (int i = 0; i < rows.Rows; i++)
        {
            var row = rows.Row(i);
            Array.Clear(projected);
            for (int a = 0; a < row.Length; a++)
            {
                double xa = row[a];
                var r = rotation.Row(a);
                var xv = new System.Numerics.Vector<double>(xa);
                int h = 0;
                for (; h + lanes <= half; h += lanes)
                {
                    var p = new System.Numerics.Vector<double>(projected, h);
                    (p + (xv * new System.Numerics.Vector<double>(r.Slice(h, lanes)))).CopyTo(projected, h);
                }

                for (; h < half; h++) projected[h] += xa * r[h];
            }

            destination[i] = ArgMax(projected);
        }
    }

    // Candidates 0..half-1 are +xR, half..b-1 are -xR; strict '>' keeps the smallest index on ties.
    private int ArgMax(ReadOnlySpan<double> projected)
    {
        int half = Buckets / 2;
        int best = 0;
        double bestValue = double.NegativeInfinity;
        for (int c = 0; c < Buckets; c++)
        {
            double value = c < half ? projected[c] : -projected[c - half];
            if (value > bestValue)
            {
                bestValue = value;
                best = c;
            }
        }

        return best;
    }

    /// <summary>Query-key pairs scored per round on <paramref name="rows"/> rows: each query sees two chunks of 2n/b items plus the global rows; global rows see every key.</summary>
    public double PairsPerRound(int rows)
    {
        double keysPerQuery = Math.Min(rows, (2.0 * rows / Buckets) + GlobalRows);
        return ((rows - GlobalRows) * keysPerQuery) + ((double)GlobalRows * rows);
    }
}
