using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Subquad.Core.IO;

/// <summary>
/// Streams index pairs into a <c>.npy</c> file of shape (k, 2), dtype <c>&lt;i8</c>, without knowing k in advance: the
/// header is written with room for any count and rewritten with the final count on <see cref="Dispose"/>. The file
/// is built under a temporary name (<see cref="AtomicFile"/>) and renamed when disposed, so it is always a valid
/// array: onto the target after <see cref="Complete"/>, else (a cancelled or failed run, holding the pairs found so
/// far) onto <c>NAME.partial.npy</c>, never over a complete earlier result.
/// </summary>
public sealed class NpyPairWriter : IDisposable
{
    // 128 bytes of header hold "{'descr': '<i8', 'fortran_order': False, 'shape': (k, 2), }" for any 64-bit k.
    private const int HeaderBytes = 128;
    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly byte[] _record = new byte[16];
    private bool _disposed;

    /// <summary>Starts writing <paramref name="path"/>.</summary>
    public NpyPairWriter(string path)
    {
        _path = AtomicFile.Prepare(path);
        _temp = AtomicFile.TempPathFor(_path);
        _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteHeader(0);
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
            WriteHeader(Count);
            _stream.Dispose();
            WrittenTo = AtomicFile.Commit(_temp, _path, _complete);
        }
        finally
        {
            _stream.Dispose();
            if (File.Exists(_temp)) File.Delete(_temp);
        }
    }

    private void WriteHeader(long count)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<i8', 'fortran_order': False, 'shape': ({count}, 2), }}");
        int prefix = NpyHeader.Magic.Length + 2 + 2;
        string header = dict.PadRight(HeaderBytes - prefix - 1) + "\n";
        _stream.Write(NpyHeader.Magic);
        _stream.WriteByte(1);
        _stream.WriteByte(0);
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        _stream.Write(length);
        _stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
