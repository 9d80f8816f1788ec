using System.Numerics;
using Subquad.Core.Kernels;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Kernels;

/// <summary>Equality contract Exact: every variant returns the scalar reference's integers.</summary>
public unsafe class BinaryInnerProductsTests
{
    public static TheoryData<KernelVariant> Variants() => new(KernelDispatch.All);

    private static ulong[] RandomWords(Random random, int length, double density)
    {
        var words = new ulong[length];
        for (int w = 0; w < length; w++)
        {
            // density 1 gives all-ones words (every byte lane at its maximum); lower densities AND random words.
            ulong word = density >= 1.0 ? ulong.MaxValue : (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            if (density < 0.5) word &= (ulong)random.NextInt64();
            if (density < 0.2) word &= (ulong)random.NextInt64();
            words[w] = word;
        }

        return words;
    }

    private static void RequireSupported(KernelVariant variant)
    {
        if (!KernelDispatch.IsSupported(variant)) Assert.Skip($"{variant} needs {KernelDispatch.MissingInstructions(variant)}, which this CPU lacks");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void InnerProduct_EveryLength0To520_MatchesScalar(KernelVariant variant)
    {
        RequireSupported(variant);
        var random = new Random(11);
        for (int length = 0; length <= 520; length++)
        {
            double density = length % 3 == 0 ? 1.0 : random.NextDouble();
            var x = RandomWords(random, length, density);
            var y = RandomWords(random, length, density);
            long expected = 0;
            for (int w = 0; w < length; w++) expected += BitOperations.PopCount(x[w] & y[w]);
            Assert.Equal(expected, BinaryInnerProducts.InnerProductScalar(x, y));
            Assert.Equal(expected, BinaryInnerProducts.InnerProduct(x, y, variant));
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Tile4x4_EveryPaddedLengthTo520Words_MatchesScalar(KernelVariant variant)
    {
        RequireSupported(variant);
        var random = new Random(12);
        int* expected = stackalloc int[16];
        int* actual = stackalloc int[16];
        ulong** xs = stackalloc ulong*[4];
        ulong** ys = stackalloc ulong*[4];
        for (int words = 8; words <= 520; words += 8)
        {
            // All-ones rows make every byte lane count 8 per vector: lengths past 31 vectors test the flush.
            double density = words % 24 == 0 ? 1.0 : random.NextDouble();
            var rows = Enumerable.Range(0, 8).Select(_ => RandomWords(random, words, density)).ToArray();
            var handles = rows.Select(r => System.Runtime.InteropServices.GCHandle.Alloc(r, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
            try
            {
                for (int r = 0; r < 4; r++)
                {
                    xs[r] = (ulong*)handles[r].AddrOfPinnedObject();
                    ys[r] = (ulong*)handles[4 + r].AddrOfPinnedObject();
                }

                BinaryInnerProducts.Tile4x4(KernelVariant.Scalar, xs, ys, words, expected);
                BinaryInnerProducts.Tile4x4(variant, xs, ys, words, actual);
                for (int k = 0; k < 16; k++)
                {
                    Assert.Equal(BinaryInnerProducts.InnerProductScalar(rows[k / 4], rows[4 + k % 4]), expected[k]);
                    Assert.Equal(expected[k], actual[k]);
                }
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TileKernelForShortRows_EveryLength1To300Bits_MatchesScalar(KernelVariant variant)
    {
        RequireSupported(variant);
        var random = new Random(13);
        int* expected = stackalloc int[16];
        int* actual = stackalloc int[16];
        ulong** xs = stackalloc ulong*[4];
        ulong** ys = stackalloc ulong*[4];
        for (int l = 1; l <= 300; l++)
        {
            double density = l % 4 == 0 ? 1.0 : random.NextDouble();
            var rows = Generators.InstanceGenerator.RandomBinary(8, l, density, random.Next(), nonZero: false);
            fixed (ulong* words = rows.Words)
            {
                for (int r = 0; r < 4; r++)
                {
                    xs[r] = words + r * rows.WordsPerRow;
                    ys[r] = words + (4 + r) * rows.WordsPerRow;
                }

                BinaryInnerProducts.Tile4x4(KernelVariant.Scalar, xs, ys, rows.WordsPerRow, expected);
                BinaryInnerProducts.TileKernel(variant, l)(xs, ys, rows.WordsPerRow, actual);
                for (int k = 0; k < 16; k++) Assert.Equal(expected[k], actual[k]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void StripKernel_EveryLength1To300BitsAndLongRows_MatchesScalarTiles(KernelVariant variant)
    {
        RequireSupported(variant);
        var random = new Random(17);
        const int Tiles = 5;
        // 1..300 bits (half-row strips up to 256, the 4 x 4 strip past it) and rows past one 31-vector flush.
        int[] lengths = [.. Enumerable.Range(1, 300), 1024, 16_000, 20_000];
        int* expected = stackalloc int[16];
        int* actual = stackalloc int[16 * (Tiles + 1)];
        ulong** xs = stackalloc ulong*[4];
        nint* ys = stackalloc nint[4 * Tiles];
        foreach (int l in lengths)
        {
            var strip = BinaryInnerProducts.StripKernel(variant, l);
            if (strip == null) continue;
            double density = l % 4 == 0 ? 1.0 : random.NextDouble();
            var rows = Generators.InstanceGenerator.RandomBinary(4 + 4 * Tiles, l, density, random.Next(), nonZero: false);
            fixed (ulong* words = rows.Words)
            {
                for (int r = 0; r < 4; r++) xs[r] = words + r * rows.WordsPerRow;
                for (int q = 0; q < 4 * Tiles; q++) ys[q] = (nint)(words + (4 + q) * rows.WordsPerRow);
                for (int tiles = 1; tiles <= Tiles; tiles++)
                {
                    for (int k = 0; k < 16 * (Tiles + 1); k++) actual[k] = -1;
                    strip(xs, ys, rows.WordsPerRow, tiles, actual);
                    for (int t = 0; t < tiles; t++)
                    {
                        BinaryInnerProducts.Tile4x4(KernelVariant.Scalar, xs, (ulong**)(ys + 4 * t), rows.WordsPerRow, expected);
                        for (int k = 0; k < 16; k++) Assert.Equal(expected[k], actual[16 * t + k]);
                    }

                    Assert.Equal(-1, actual[16 * tiles]); // nothing written past the last tile
                }
            }
        }
    }

    [Fact]
    public void Packed6Rows_Encode_KeepsEveryBitOnceAndBits6To7Zero()
    {
        var random = new Random(19);
        foreach (int l in (int[])[.. Enumerable.Range(1, 200), 383, 384, 385, 1023, 1024, 1025, 4099])
        {
            var rows = Generators.InstanceGenerator.RandomBinary(2, l, l % 5 == 0 ? 1.0 : random.NextDouble(), random.Next(), nonZero: false);
            var x = new ulong[Packed6Rows.WordsFor(l)];
            var y = new ulong[Packed6Rows.WordsFor(l)];
            Packed6Rows.Encode(rows.Row(0), l, x);
            Packed6Rows.Encode(rows.Row(1), l, y);
            Assert.Equal(0, x.Length % 8);
            Assert.All(x, w => Assert.Equal(0UL, w & 0xC0C0C0C0C0C0C0C0UL));
            Assert.Equal(rows.Weight(0), x.Sum(w => BitOperations.PopCount(w)));
            Assert.Equal(BinaryInnerProducts.InnerProductScalar(rows.Row(0), rows.Row(1)), BinaryInnerProducts.InnerProductScalar(x, y));
        }
    }

    [Fact]
    public void Packed6Rows_EncodeVector512_EqualsScalarEncode()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Avx512VbmiPermute)) Assert.Skip("the vector encoder needs AVX-512 VBMI, which this CPU lacks");
        var random = new Random(29);
        foreach (int l in (int[])[.. Enumerable.Range(1, 1100), 4099, 20_000])
        {
            // Three rows: the encoder must not read past the row it encodes (the last row ends the buffer).
            var rows = Generators.InstanceGenerator.RandomBinary(3, l, l % 5 == 0 ? 1.0 : random.NextDouble(), random.Next(), nonZero: false);
            int words = Packed6Rows.WordsFor(l);
            var expected = new ulong[words];
            var actual = new ulong[words + 8];
            for (int r = 0; r < 3; r++)
            {
                Packed6Rows.Encode(rows.Row(r), l, expected);
                Array.Fill(actual, 0xDEADBEEFUL);
                fixed (ulong* raw = rows.Words)
                fixed (ulong* output = actual)
                    Packed6Rows.EncodeVector512(raw + (r * rows.WordsPerRow), rows.WordsPerRow, l, output);
                Assert.Equal(expected, actual.AsSpan(0, words).ToArray());
                Assert.Equal(0xDEADBEEFUL, actual[words]); // nothing written past the encoded row
            }
        }
    }

    [Fact]
    public void Packed6TilesKernel_OnEncodedRows_MatchesScalarOnRawRows()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Avx512VbmiPermute)) Assert.Skip("the 6-bit kernels need AVX-512 VBMI, which this CPU lacks");
        var random = new Random(23);
        const int Tiles = 4;
        // Every length up to 700 bits, and rows around the 42-chunk flush (42 * 96 = 4,032 bits; all-ones rows at
        // 4,128 = 43 chunks overflow a byte lane if the flush comes one chunk late).
        int[] lengths = [.. Enumerable.Range(1, 700), 1024, 4031, 4032, 4033, 4128, 8065, 20_000];
        int* expected = stackalloc int[16];
        int* actual = stackalloc int[16 * (Tiles + 1)];
        int* reference = stackalloc int[16 * Tiles];
        ulong** xsRaw = stackalloc ulong*[4];
        ulong** xs = stackalloc ulong*[4];
        ulong** yRaw = stackalloc ulong*[4];
        foreach (int l in lengths)
        {
            // The last tile is short of 1-3 rows for most lengths: its padding rows must count 0.
            int rightRows = (4 * Tiles) - (l % 4);
            double density = l % 4 == 0 ? 1.0 : random.NextDouble();
            var rows = Generators.InstanceGenerator.RandomBinary(4 + rightRows, l, density, random.Next(), nonZero: false);
            int words = Packed6Rows.WordsFor(l), chunks = Packed6Tiles.ChunksFor(l);
            var encoded = new ulong[(4 + rightRows) * words];
            for (int r = 0; r < 4 + rightRows; r++) Packed6Rows.Encode(rows.Row(r), l, encoded.AsSpan(r * words, words));
            var tiles = new ulong[Packed6Tiles.WordsFor(rightRows, chunks)];
            var zeroRaw = new ulong[rows.WordsPerRow];
            fixed (ulong* raw = rows.Words)
            fixed (ulong* packed = encoded)
            fixed (ulong* tileWords = tiles)
            fixed (ulong* zero = zeroRaw)
            {
                for (int r = 0; r < 4; r++)
                {
                    xsRaw[r] = raw + r * rows.WordsPerRow;
                    xs[r] = packed + r * words;
                }

                for (int q = 0; q < 4 * Tiles; q++)
                {
                    ulong* tile = tileWords + (q / 4 * chunks * Packed6Tiles.WordsPerChunkGroup);
                    Packed6Tiles.Store(q < rightRows ? packed + (4 + q) * words : null, chunks, tile, q % 4);
                }

                for (int k = 0; k < 16 * (Tiles + 1); k++) actual[k] = -1;
                int count = 1 + (l % Tiles);
                BinaryInnerProducts.TileStripPacked6TilesVector512(xs, tileWords, chunks, count, actual);
                BinaryInnerProducts.TileStripPacked6TilesScalar(xs, tileWords, chunks, count, reference);
                for (int t = 0; t < count; t++)
                {
                    for (int c = 0; c < 4; c++)
                    {
                        int q = (4 * t) + c;
                        yRaw[c] = q < rightRows ? raw + (4 + q) * rows.WordsPerRow : zero;
                    }

                    BinaryInnerProducts.Tile4x4(KernelVariant.Scalar, xsRaw, yRaw, rows.WordsPerRow, expected);
                    for (int k = 0; k < 16; k++)
                    {
                        Assert.Equal(expected[k], actual[16 * t + k]);
                        Assert.Equal(expected[k], reference[16 * t + k]);
                    }
                }

                Assert.Equal(-1, actual[16 * count]); // nothing written past the last tile
            }
        }
    }

    [Fact]
    public void Tile4x8OneWord_RandomAndAllOnesWords_MatchScalar()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Vector512)) Assert.Skip("the one-word tile needs AVX-512BW, which this CPU lacks");
        var random = new Random(14);
        int* expected = stackalloc int[32];
        int* actual = stackalloc int[32];
        ulong** xs = stackalloc ulong*[4];
        for (int round = 0; round < 500; round++)
        {
            var left = RandomWords(random, 4, round % 5 == 0 ? 1.0 : random.NextDouble());
            var right = RandomWords(random, 8, round % 7 == 0 ? 1.0 : random.NextDouble());
            fixed (ulong* l = left, r = right)
            {
                for (int i = 0; i < 4; i++) xs[i] = l + i;
                BinaryInnerProducts.Tile4x8OneWordScalar(xs, r, expected);
                BinaryInnerProducts.Tile4x8OneWordVector512(xs, r, actual);
                for (int k = 0; k < 32; k++)
                {
                    Assert.Equal(BitOperations.PopCount(left[k / 8] & right[k % 8]), expected[k]);
                    Assert.Equal(expected[k], actual[k]);
                }
            }
        }
    }

    [Fact]
    public void InnerProduct_LengthMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => BinaryInnerProducts.InnerProduct(new ulong[3], new ulong[4], KernelVariant.Scalar));

    [Fact]
    public void InnerProduct_OnPaddedRows_MatchesWeights()
    {
        var vectors = Generators.InstanceGenerator.RandomBinary(20, 700, 0.3, 5);
        for (int i = 0; i < vectors.Count; i++) Assert.Equal(vectors.Weight(i), BinaryInnerProducts.InnerProduct(vectors.Row(i), vectors.Row(i)));
        Assert.Equal(0, BinaryVectors.WordsFor(700) % 8);
    }
}
