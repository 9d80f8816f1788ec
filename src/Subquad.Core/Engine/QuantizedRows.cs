using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// One side's rows quantized for the dense int8 screen once per solve, in position order, as the unsigned bytes the
/// screen's right operand needs (q + 128), with each row's factor and each block's <see cref="Int8Stats"/>. Built only
/// where it fits <see cref="BudgetBytes"/> (n = 20,000 at d = 256: 5 MB); elsewhere each worker quantizes every
/// task's right block itself, which cost 8-28% of a solve at d = 256 (<c>DenseInt8Runner</c>), so that memory stays
/// input + O(workers x block) at n = 200,000.
/// </summary>
internal sealed unsafe class QuantizedRows
{
    /// <summary>The largest quantized copy built (bytes).</summary>
    public const long BudgetBytes = 32L << 20;

    private readonly AlignedBuffer<byte> _rows;
    private readonly Int8Stats[] _blocks;

    /// <param name="context">The solve (dimensions, cosine or not).</param>
    /// <param name="values">The side's rows.</param>
    /// <param name="order">Position to row.</param>
    /// <param name="norms">Norms by position.</param>
    /// <param name="blockRows">Rows per block of the plan.</param>
    public QuantizedRows(EngineContext context, DenseVectors values, int[] order, double[] norms, int blockRows)
    {
        int count = order.Length;
        Length = Int8Rows.PaddedLength(context.Dimensions);
        // Four rows of padding (q = 0, factor 0) complete the last block's last tile.
        _rows = new AlignedBuffer<byte>((long)(count + DenseInnerProducts.Int8TileRows) * Length);
        Factors = new float[count + DenseInnerProducts.Int8TileRows];
        _blocks = new Int8Stats[(count + blockRows - 1) / blockRows];
        for (int b = 0; b < _blocks.Length; b++)
        {
            var stats = Int8Stats.Empty;
            for (int p = b * blockRows; p < Math.Min(count, (b + 1) * blockRows); p++)
            {
                (Factors[p], _) = Quantize(context, values, order, norms, p, Row(p), 0x80, ref stats);
            }

            _blocks[b] = stats;
        }

        _rows.Span[(count * Length)..].Fill(128);
    }

    /// <summary>Bytes per row (d rounded up to a multiple of 4).</summary>
    public int Length { get; }

    /// <summary>Each position's factor (s / ||x|| for cosine kinds, s for inner products), then 4 zeros.</summary>
    public float[] Factors { get; }

    /// <summary>The quantized row at a position.</summary>
    public byte* Row(int position) => _rows.Pointer + ((long)position * Length);

    /// <summary>The stats of block <paramref name="block"/>.</summary>
    public Int8Stats Stats(int block) => _blocks[block];

    /// <summary>
    /// Quantizes the row at position <paramref name="p"/> into <paramref name="destination"/> (d4 bytes, q XOR
    /// <paramref name="flip"/>), folds its norms into <paramref name="stats"/> and returns its factor and quantized sum;
    /// a row that does not quantize clears stats.Ok.
    /// </summary>
    public static (float Factor, int Sum) Quantize(EngineContext context, DenseVectors values, int[] order, double[] norms, int p, byte* destination, byte flip, ref Int8Stats stats)
    {
        var result = Int8Rows.QuantizeVector512(values.Pointer + ((long)order[p] * values.Stride), context.Dimensions, destination, flip);
        if (!result.Ok)
        {
            stats.Ok = false;
            return (0f, 0);
        }

        stats.Add(norms[p], result.ErrorNorm, context.Cosine);
        return ((float)(context.Cosine ? result.Scale / norms[p] : result.Scale), result.Sum);
    }
}
