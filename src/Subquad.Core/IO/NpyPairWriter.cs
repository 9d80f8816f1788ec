using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Subquad.Core.IO;

/// <summary>
/// Streams index pairs into a <c>.npy</c> file of shape (k, 2), dtype <c>&lt;i8</c>, without knowing k in advance: the
/// header is written with room for any count and rewritten with the final count on <see cref="Dispose"/>. The file
/// is built under a temporary name and renamed into place when disposed, so it is always a valid array, also after
/// a cancelled run (it then holds the pairs found so far).
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
        _path = Path.GetFullPath(path);
        _temp = _path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteHeader(0);
    }

    /// <summary>Pairs written so far.</summary>
    public long Count { get; private set; }

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
            File.Move(_temp, _path, overwrite: true);
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
