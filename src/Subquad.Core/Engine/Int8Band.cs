using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// One worker's left band quantized for the int8 screen (<see cref="DenseInt8Runner"/>): 24-row panels of signed
/// bytes in the kernel's panel layout, each row's factor and the starting value -128 * sum(q) that cancels the right
/// rows' +128 offset, and the band's <see cref="Int8Stats"/>. Quantized once per band, kept while its tasks run.
/// </summary>
internal sealed unsafe class Int8Band
{
    private const int Qr = Int8Rows.PanelRows;

    public Int8Band(int blockRows, int paddedLength)
    {
        int panels = (blockRows + Qr - 1) / Qr;
        Panels = new AlignedBuffer<sbyte>((long)panels * Qr * paddedLength);
        Factors = new float[panels * Qr];
        Init = new int[panels * Qr];
    }

    /// <summary>The band quantized now (-1: none).</summary>
    public int Band { get; private set; } = -1;

    public AlignedBuffer<sbyte> Panels { get; }

    public float[] Factors { get; }

    public int[] Init { get; }

    public Int8Stats Stats { get; private set; }

    /// <summary>
    /// Quantizes the task's band unless it is the one held. Each row is quantized into <paramref name="scratch"/> (one
    /// row of the padded length), then scattered k-group by k-group into its panel slot; the last panel's missing rows
    /// are zeros with factor 0.
    /// </summary>
    public void Load(EngineContext c, in BlockPairTask task, int length, byte* scratch)
    {
        if (Band == task.BandA) return;
        int groups = length / 4;
        int bandRows = task.EndA - task.StartA;
        int panelCount = (bandRows + Qr - 1) / Qr;
        var stats = Int8Stats.Empty;
        for (int i = 0; i < panelCount * Qr; i++)
        {
            sbyte* panel = Panels.Pointer + ((long)(i / Qr) * Qr * length);
            if (i < bandRows)
            {
                (Factors[i], int sum) = QuantizedRows.Quantize(c, c.DenseA!, c.OrderA, c.NormsA, task.StartA + i, scratch, 0, ref stats);
                Init[i] = -128 * sum;
                Int8Rows.StoreInPanel(scratch, groups, panel, i % Qr);
            }
            else
            {
                Factors[i] = 0f;
                Init[i] = 0;
                Int8Rows.StoreInPanel(null, groups, panel, i % Qr);
            }
        }

        Stats = stats;
        Band = task.BandA;
    }
}
