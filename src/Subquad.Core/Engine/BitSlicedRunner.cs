using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Subquad.Core.Kernels;

namespace Subquad.Core.Engine;

/// <summary>
/// <see cref="EnginePath.BitSliced"/>: each task's right block transposed into 512-lane bit slices
/// (<see cref="BitSlices"/>; once per solve in <see cref="EngineContext.SlicesB"/> where that fits its budget), then
/// each left row's counts against all right rows at once in bit planes over the row's set bits, filtered there by a
/// bit-sliced comparison with <see cref="CandidateFilter.SlicedThreshold"/>; only flagged lanes are read back and
/// tested exactly with <see cref="CandidateFilter.Passes"/>. The work follows the left rows' weight, not the length.
/// </summary>
internal sealed unsafe class BitSlicedRunner : BinaryRunner
{
    /// <summary>This worker's transposed block where the solve holds no one-off copy (else empty).</summary>
    private readonly ulong[] _slices = [];

    // The band's set bits as positions k, row after row, and where each row's list starts (once per band).
    private int[] _bandBits = [];
    private readonly int[] _bandBitStart;
    private int _bitsBand = -1;

    public BitSlicedRunner(EngineContext context)
        : base(context)
    {
        if (context.SlicesB is null) _slices = GC.AllocateArray<ulong>(context.RawWords * 64 * 8, pinned: true);
        _bandBitStart = new int[context.Plan.BlockRows + 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(in BlockPairTask task, PairReducer reducer)
    {
        var c = Context;
        int lanes = task.EndB - task.StartB;
        if (_bitsBand != task.BandA) CollectBits(task);
        var planes = stackalloc Vector512<ulong>[12];
        var filter = c.Filter(task);
        ulong[] source = c.SlicesB ?? _slices;
        fixed (nint* rowsB = c.RowsB)
        fixed (ulong* all = source)
        fixed (int* bits = _bandBits)
        {
            ulong* slices = all;
            if (c.SlicesB is null) BitSlices.Transpose(rowsB + task.StartB, lanes, c.RawWords, slices);
            else slices = c.SlicedBlock(all, task.BandB);
            var valid = LaneMask(0, lanes);
            double minWeightB = c.BandMinWeightB[task.BandB], maxWeightB = c.BandMaxWeightB[task.BandB];
            for (int p = task.StartA; p < task.EndA; p++)
            {
                if (reducer.StopBeforeRow(p)) return;
                int start = _bandBitStart[p - task.StartA], m = _bandBitStart[p - task.StartA + 1] - start;
                int planeCount = BitSlices.PlanesFor(m);
                BitSlices.Count(slices, bits + start, m, planes, planeCount);
                filter.Update(reducer.FilterValue);
                long threshold = filter.SlicedThreshold(c.WeightsA[p], minWeightB, maxWeightB);
                var flagged = (filter.Maximise ? BitSlices.AtLeast(planes, planeCount, threshold) : BitSlices.AtMost(planes, planeCount, threshold)) & valid;
                if (task.Diagonal) flagged &= LaneMask(p - task.StartB + 1, lanes);
                if (flagged == Vector512<ulong>.Zero) continue;
                float rowFactor = c.InverseSqrtA[p];
                for (int w = 0; w < 8; w++)
                {
                    for (ulong word = flagged.GetElement(w); word != 0; word &= word - 1)
                    {
                        int lane = (64 * w) + System.Numerics.BitOperations.TrailingZeroCount(word);
                        int count = BitSlices.LaneCount(planes, planeCount, lane);
                        int q = task.StartB + lane;
                        if (!filter.Passes(count, rowFactor * c.InverseSqrtB[q])) continue;
                        var (i, j) = c.Original(p, q);
                        reducer.Offer(i, j, c.BinaryScore(i, j, count));
                        filter.Update(reducer.FilterValue);
                    }
                }
            }
        }
    }

    /// <summary>Lanes [from, to) set.</summary>
    private static Vector512<ulong> LaneMask(int from, int to)
    {
        Span<ulong> words = stackalloc ulong[8];
        for (int w = 0; w < 8; w++)
        {
            int lo = Math.Clamp(from - (64 * w), 0, 64), hi = Math.Clamp(to - (64 * w), 0, 64);
            ulong upTo = hi == 64 ? ulong.MaxValue : (1UL << hi) - 1;
            ulong below = lo == 64 ? ulong.MaxValue : (1UL << lo) - 1;
            words[w] = lo >= hi ? 0 : upTo & ~below;
        }

        return Vector512.Create((ReadOnlySpan<ulong>)words);
    }

    /// <summary>The set bits of every row of the task's band, as positions k, row after row (once per band).</summary>
    private void CollectBits(in BlockPairTask task)
    {
        var c = Context;
        long total = 0;
        for (int p = task.StartA; p < task.EndA; p++) total += c.WeightsA[p];
        if (_bandBits.Length < total) _bandBits = GC.AllocateArray<int>((int)total, pinned: true);
        int at = 0;
        for (int p = task.StartA; p < task.EndA; p++)
        {
            _bandBitStart[p - task.StartA] = at;
            var row = (ulong*)c.RowsA[p];
            for (int g = 0; g < c.RawWords; g++)
            {
                for (ulong word = row[g]; word != 0; word &= word - 1) _bandBits[at++] = (64 * g) + System.Numerics.BitOperations.TrailingZeroCount(word);
            }
        }

        _bandBitStart[task.EndA - task.StartA] = at;
        _bitsBand = task.BandA;
    }
}
