using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Subquad.Core.IO;

/// <summary>
/// Streams index pairs into a <c>.npy</c> file of shape (k, 2), dtype <c>&lt;i8</c>, without knowing k in advance: the
/// header is written with room for any count and rewritten with the final count on <see cref="Dispose"/>. The file
/// is built under a temporary name (<see cref="AtomicFile"/>) and renamed when disposed, so it is always a valid
/// array: onto the target after <see cref="Complete"/>, else (a cancelled or failed run, holding the pairs found so
/// far) onto <c>NAME.partial.npy</c>, never over a complete earlier result. Given a scores path, it also writes the
/// pairs' scores there, shape (k,), dtype <c>&lt;f8</c>, row r the score of pair r (the same count, the same rule).
/// </summary>
public sealed class NpyPairWriter : IDisposable
{
    // 128 bytes of header hold "{'descr': '<i8', 'fortran_order': False, 'shape': (k, 2), }" for any 64-bit k.
    private const int HeaderBytes = 128;
    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly byte[] _record = new byte[16];
    private readonly string? _scoresPath;
    private readonly string? _scoresTemp;
    private readonly FileStream? _scores;
    private bool _disposed;

    /// <summary>Starts writing <paramref name="path"/> (and <paramref name="scoresPath"/>, when given).</summary>
    public NpyPairWriter(string path, string? scoresPath = null)
    {
        _path = AtomicFile.Prepare(path);
        _temp = AtomicFile.TempPathFor(_path);
        _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteHeader(_stream, 0, "<i8", ", 2");
        if (scoresPath is not null)
        {
            _scoresPath = AtomicFile.Prepare(scoresPath);
            _scoresTemp = AtomicFile.TempPathFor(_scoresPath);
            _scores = new FileStream(_scoresTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            WriteHeader(_scores, 0, "<f8", ",");
        }
    }

    /// <summary>Appends the pair (i, j) and its score (written only when the writer has a scores file).</summary>
    public void Add(long i, long j, double score)
    {
        Add(i, j);
        if (_scores is not null)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_record, score);
            _scores.Write(_record, 0, 8);
        }
    }

    /// <summary>Pairs written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Where the file is after <see cref="Dispose"/>: the target, or its <c>.partial</c> name when not completed.</summary>
    public string? WrittenTo { get; private set; }

    private bool _complete;

    /// <summary>Marks the pairs as the complete result, so <see cref="Dispose"/> moves the file onto the target.</summary>
    public void Complete() => _complete = true;

    /// <summary>Appends the pair (i, j).</summary>
    public void Add(long i, long j)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        BinaryPrimitives.WriteInt64LittleEndian(_record, i);
        BinaryPrimitives.WriteInt64LittleEndian(_record.AsSpan(8), j);
        _stream.Write(_record);
        Count++;
    }

    /// <summary>Rewrites the header with the final count and moves the file into place.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            _stream.Position = 0;
            WriteHeader(_stream, Count, "<i8", ", 2");
            _stream.Dispose();
            if (_scores is not null)
            {
                _scores.Position = 0;
                WriteHeader(_scores, Count, "<f8", ",");
                _scores.Dispose();
                AtomicFile.Commit(_scoresTemp!, _scoresPath!, _complete);
            }

            WrittenTo = AtomicFile.Commit(_temp, _path, _complete);
        }
        finally
        {
            _stream.Dispose();
            _scores?.Dispose();
            if (File.Exists(_temp)) File.Delete(_temp);
            if (_scoresTemp is not null && File.Exists(_scoresTemp)) File.Delete(_scoresTemp);
        }
    }

    private static void WriteHeader(Stream stream, long count, string descr, string tail)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({count}{tail}), }}");
        int prefix = NpyHeader.Magic.Length + 2 + 2;
        string header = dict.PadRight(HeaderBytes - prefix - 1) + "\n";
        stream.Write(NpyHeader.Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
