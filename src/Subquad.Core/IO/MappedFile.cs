using System.IO.MemoryMappedFiles;

namespace Subquad.Core.IO;

/// <summary>
/// A whole file mapped into memory, with a stable pointer to its first byte: the input file read-only
/// (<see cref="OpenRead"/>), or an unnamed scratch file (<see cref="CreateScratch"/>) that dense rows are converted
/// into when they cannot be used in place. Its pages are file-backed: the kernel reads them in on demand and may
/// drop them again under memory pressure, so a mapped matrix larger than RAM costs page cache, not anonymous memory.
/// </summary>
/// <remarks>
/// The pointer stays valid until <see cref="Dispose"/> or, when nobody disposes it (vectors that keep a mapping
/// alive have no dispose of their own), until the finalizer runs after the last reference is gone. A file truncated
/// by another program while it is mapped makes the next read of a lost page fault (SIGBUS); inputs must not be
/// changed while Subquad reads them, as with any mmap reader.
/// </remarks>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;
    private int _released;
    private readonly bool _acquired;

    private MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        _map = map;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _acquired = true;
        _pointer = pointer + view.PointerOffset;
    }

    ~MappedFile() => Release(disposing: false);

    /// <summary>Bytes mapped.</summary>
    public long Length { get; }

    /// <summary>Byte 0 of the file (page-aligned).</summary>
    public byte* Pointer => _pointer != null ? _pointer : throw new ObjectDisposedException(nameof(MappedFile));

    /// <summary>Maps all of <paramref name="stream"/>'s file read-only; the mapping owns the stream from here on.</summary>
    public static MappedFile OpenRead(FileStream stream, string? source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long length = stream.Length;
        try
        {
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                return new MappedFile(map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new InputException(source, null, "cannot be memory-mapped: " + ex.Message + " (run without --mmap to read it into memory)");
        }
    }

    /// <summary>
    /// A zero-filled read-write scratch file of <paramref name="bytes"/> bytes in the temporary folder
    /// (<see cref="Path.GetTempPath"/>, which honours TMPDIR), mapped. Its name is removed at once (on Windows, at
    /// close), so nothing is left behind even when the process is killed.
    /// </summary>
    /// <exception cref="InputException">The temporary folder's file system lacks the space (names what it needs).</exception>
    public static MappedFile CreateScratch(long bytes, string? source)
    {
        string folder = Path.GetTempPath();
        try
        {
            long free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
            if (bytes > free)
            {
                throw new InputException(source, null, $"needs a {MemoryBudget.Format(bytes)} scratch file for its padded float32 rows, but {folder} has {MemoryBudget.Format(free)} free (set TMPDIR to a bigger disk, or store float32 rows of a multiple of 16 columns, which map in place)");
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // No free-space figure for this folder: creating the file below reports a real shortage.
        }

        string path = Path.Combine(folder, "subquad-" + Guid.NewGuid().ToString("N") + ".scratch");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            if (!OperatingSystem.IsWindows()) File.Delete(path); // the open handle and the mapping keep the data
            stream.SetLength(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException(source, null, $"needs a {MemoryBudget.Format(bytes)} scratch file in {folder}, which could not be made: {ex.Message} (set TMPDIR to a writable disk)");
        }

        try
        {
            var map = MemoryMappedFile.CreateFromFile(stream, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            return new MappedFile(map, map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite), bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new InputException(source, null, $"needs a {MemoryBudget.Format(bytes)} scratch file in {folder}, which could not be mapped: {ex.Message}");
        }
    }

    public void Dispose()
    {
        Release(disposing: true);
        GC.SuppressFinalize(this);
    }

    private void Release(bool disposing)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _pointer = null;
        // The view's handle is a critical finalizer object, still valid while ordinary finalizers (this one) run.
        if (_acquired) _view.SafeMemoryMappedViewHandle.ReleasePointer();
        if (!disposing) return;
        _view.Dispose();
        _map.Dispose();
    }
}
