using System.Buffers.Binary;
using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Jobs;

/// <summary>
/// A join shard on disk: the qualifying pairs of one chunk, sorted by (i, j), as fixed 41-byte records after an
/// 16-byte header ("SQSHARD1", pair count). Written to a temporary name, flushed and renamed, so a shard either
/// exists whole under its final name or not at all; each attempt has its own name, so a retried chunk never
/// overwrites or appends to another attempt's file.
/// </summary>
public static class ShardFile
{
    private static ReadOnlySpan<byte> Magic => "SQSHARD1"u8;

    private const int RecordBytes = 4 + 4 + 1 + 8 + 8 + 8 + 8;

    /// <summary>Writes the pairs of chunk <paramref name="chunk"/> under a fresh name in <paramref name="directory"/>; returns that name.</summary>
    internal static string Write(string directory, int chunk, IReadOnlyList<ScoredPair> pairs)
    {
        Directory.CreateDirectory(directory);
        string name = $"chunk-{chunk:D6}-{Guid.NewGuid():N}.bin";
        string final = Path.Combine(directory, name);
        string temp = final + ".tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> header = stackalloc byte[16];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], pairs.Count);
            stream.Write(header);
            var record = new byte[RecordBytes];
            foreach (var p in pairs)
            {
                var r = record.AsSpan();
                BinaryPrimitives.WriteInt32LittleEndian(r, p.I);
                BinaryPrimitives.WriteInt32LittleEndian(r[4..], p.J);
                r[8] = p.Score.IsExact ? (byte)1 : (byte)0;
                BinaryPrimitives.WriteInt64LittleEndian(r[9..], p.Score.InnerProduct);
                BinaryPrimitives.WriteInt64LittleEndian(r[17..], p.Score.WeightI);
                BinaryPrimitives.WriteInt64LittleEndian(r[25..], p.Score.WeightJ);
                BinaryPrimitives.WriteInt64LittleEndian(r[33..], BitConverter.DoubleToInt64Bits(p.Score.Value));
                stream.Write(record);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, final);
        return name;
    }

    /// <summary>Reads a shard's pairs in file order, checking the header and the length against the count.</summary>
    internal static IEnumerable<ScoredPair> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var header = new byte[16];
        stream.ReadExactly(header);
        if (!header.AsSpan(0, 8).SequenceEqual(Magic)) throw new InvalidDataException($"{path}: not a subquad shard");
        long count = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8));
        if (stream.Length != 16 + count * RecordBytes) throw new InvalidDataException($"{path}: {stream.Length} bytes, but {count} pairs need {16 + count * RecordBytes}");
        var record = new byte[RecordBytes];
        for (long k = 0; k < count; k++)
        {
            stream.ReadExactly(record);
            var r = record.AsSpan();
            yield return new ScoredPair(
                BinaryPrimitives.ReadInt32LittleEndian(r),
                BinaryPrimitives.ReadInt32LittleEndian(r[4..]),
                new PairScore
                {
                    IsExact = r[8] != 0,
                    InnerProduct = BinaryPrimitives.ReadInt64LittleEndian(r[9..]),
                    WeightI = BinaryPrimitives.ReadInt64LittleEndian(r[17..]),
                    WeightJ = BinaryPrimitives.ReadInt64LittleEndian(r[25..]),
                    Value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(r[33..])),
                });
        }
    }

    /// <summary>
    /// Every pair of a finished join in (i, j) order: bands in order, and within a band a k-way merge of its
    /// chunks' sorted shards. Holds one record per shard of the current band.
    /// </summary>
    internal static IEnumerable<ScoredPair> Assemble(string directory, IReadOnlyList<ShardRef> shards)
    {
        foreach (var band in shards.GroupBy(s => s.Band).OrderBy(g => g.Key))
        {
            var readers = band.Select(s => Read(Path.Combine(directory, s.File)).GetEnumerator()).ToList();
            try
            {
                var queue = new PriorityQueue<int, (int I, int J)>();
                for (int r = 0; r < readers.Count; r++)
                {
                    if (readers[r].MoveNext()) queue.Enqueue(r, (readers[r].Current.I, readers[r].Current.J));
                }

                while (queue.TryDequeue(out int r, out _))
                {
                    yield return readers[r].Current;
                    if (readers[r].MoveNext()) queue.Enqueue(r, (readers[r].Current.I, readers[r].Current.J));
                }
            }
            finally
            {
                foreach (var reader in readers) reader.Dispose();
            }
        }
    }
}
