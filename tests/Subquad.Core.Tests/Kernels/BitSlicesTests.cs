using System.Numerics;
using System.Runtime.Intrinsics;
using Subquad.Core.Kernels;

namespace Subquad.Core.Tests.Kernels;

/// <summary>The bit-sliced counting path against plain popcounts: transposes, bit-plane counts and comparisons.</summary>
public unsafe class BitSlicesTests
{
    [Fact]
    public void Transpose64_MovesBitIOfRowRToBitROfRowI()
    {
        var random = new Random(71);
        ulong* a = stackalloc ulong[64];
        var original = new ulong[64];
        for (int round = 0; round < 20; round++)
        {
            for (int r = 0; r < 64; r++) a[r] = original[r] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            BitSlices.Transpose64(a);
            for (int r = 0; r < 64; r++)
            {
                for (int i = 0; i < 64; i++) Assert.Equal((original[r] >> i) & 1, (a[i] >> r) & 1);
            }
        }
    }

    [Fact]
    public void CountAndCompare_MatchPopcountsAndScalarComparisons()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Vector512)) Assert.Skip("bit slices need AVX-512, which this CPU lacks");
        var random = new Random(73);
        var planes = stackalloc Vector512<ulong>[12];
        nint* pointers = stackalloc nint[BitSlices.Lanes];
        foreach (int l in new[] { 64, 256, 300, 1024, 1100 })
        {
            int words = (l + 511) / 512 * 8;
            foreach (int count in new[] { 1, 63, 64, 65, 200, 512 })
            {
                double density = random.Next(3) switch { 0 => 0.02, 1 => 0.3, _ => 1.0 };
                var rows = Generators.InstanceGenerator.RandomBinary(count + 1, l, density, random.Next(), nonZero: false);
                var slices = new ulong[words * 64 * 8];
                fixed (ulong* data = rows.Words)
                fixed (ulong* s = slices)
                {
                    for (int r = 0; r < count; r++) pointers[r] = (nint)(data + ((r + 1) * rows.WordsPerRow));
                    Array.Fill(slices, ulong.MaxValue); // lanes past count must come out zero
                    BitSlices.Transpose(pointers, count, rows.WordsPerRow, s);
                    // Row 0 is the left row: its set bits, then the counts of every lane.
                    var bits = new List<int>();
                    for (int k = 0; k < l; k++) if (((rows.Row(0)[k / 64] >> (k % 64)) & 1) != 0) bits.Add(k);
                    int planeCount = BitSlices.PlanesFor(bits.Count);
                    fixed (int* b = bits.ToArray())
                        BitSlices.Count(s, b, bits.Count, planes, planeCount);
                    var expected = new int[BitSlices.Lanes];
                    for (int j = 0; j < count; j++)
                    {
                        for (int w = 0; w < rows.WordsPerRow; w++) expected[j] += BitOperations.PopCount(rows.Row(0)[w] & rows.Row(j + 1)[w]);
                    }

                    for (int j = 0; j < BitSlices.Lanes; j++) Assert.Equal(expected[j], BitSlices.LaneCount(planes, planeCount, j));
                    foreach (long t in new long[] { long.MinValue, -1, 0, 1, 2, 3, 7, 8, expected.Max(), expected.Max() + 1, 1L << planeCount, long.MaxValue })
                    {
                        var atLeast = BitSlices.AtLeast(planes, planeCount, t);
                        var atMost = BitSlices.AtMost(planes, planeCount, t);
                        for (int j = 0; j < BitSlices.Lanes; j++)
                        {
                            Assert.Equal(expected[j] >= t, ((atLeast.GetElement(j >> 6) >> (j & 63)) & 1) != 0);
                            Assert.Equal(expected[j] <= t, ((atMost.GetElement(j >> 6) >> (j & 63)) & 1) != 0);
                        }
                    }
                }
            }
        }
    }
}
