using Subquad.Embeddings.MiniLm;

namespace Subquad.Embeddings.Tests;

public sealed class ChunkTests
{
    [Fact]
    public void Chunk_EveryLength0To600_CoversInOrderWithinTheWindowAndCutsBetweenWords()
    {
        var random = new Random(20241004);
        for (int n = 0; n <= 600; n++)
        {
            // Word lengths of 1-3 pieces mostly, now and then one longer than the window.
            var pieces = new bool[n];
            for (int k = 0; k < n; k++) pieces[k] = k == 0 || random.Next(n % 7 == 0 ? 400 : 3) == 0;
            var chunks = MiniLmEmbedder.Chunk(pieces, MiniLmEmbedder.ChunkContentTokens);
            int next = 0;
            foreach (var (start, length) in chunks)
            {
                Assert.Equal(next, start);
                Assert.InRange(length, 1, MiniLmEmbedder.ChunkContentTokens);
                int end = start + length;
                if (end < pieces.Length)
                {
                    // The cut is the last word start within the window, or the window's end when none is left.
                    int limit = start + MiniLmEmbedder.ChunkContentTokens;
                    int expected = limit;
                    for (int k = limit; k > start; k--)
                    {
                        if (pieces[k])
                        {
                            expected = k;
                            break;
                        }
                    }

                    Assert.True(expected == end, $"n = {n}: chunk at {start} cut at {end}, expected {expected}");
                }

                next = end;
            }

            Assert.Equal(pieces.Length, next);
        }
    }

    [Fact]
    public void Chunk_SmallCases()
    {
        Assert.Empty(MiniLmEmbedder.Chunk([], 4));
        Assert.Equal([(0, 3)], MiniLmEmbedder.Chunk([true, false, true], 4));
        // Word starts at 0, 3: the cut at 4 would split the word 3..5, so it moves back to 3.
        Assert.Equal([(0, 3), (3, 3)], MiniLmEmbedder.Chunk([true, false, false, true, false, false], 4));
        // One word longer than the window is cut hard.
        Assert.Equal([(0, 4), (4, 2)], MiniLmEmbedder.Chunk([true, false, false, false, false, false], 4));
    }
}
