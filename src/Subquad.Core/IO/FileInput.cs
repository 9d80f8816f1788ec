using System.Runtime.InteropServices;

namespace Subquad.Core.IO;

/// <summary>
/// Opens input files with the one-line errors the CLI prints (missing, a directory, not a regular file, unreadable).
/// Every reader opens its files here, so none of them can hang on a FIFO or read a device forever.
/// </summary>
public static class FileInput
{
    /// <summary>Throws the one-line error for a path that is a folder, does not exist, or is not a regular file.</summary>
    public static void RequireFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new InputException(path, null, "is a directory, not a file");
        if (!File.Exists(path)) throw new InputException(path, null, "file not found");
        if (TypeOf(path) is { } type and not FileType.Regular)
        {
            throw new InputException(path, null, $"is {Describe(type)}, not a regular file; Subquad reads regular files only (copy the data into a file first)");
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="InputException">The file does not exist, is a directory, is not a regular file, or cannot be read.</exception>
    public static FileStream Open(string path)
    {
        RequireFile(path);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (!stream.CanSeek)
            {
                stream.Dispose();
                throw new InputException(path, null, "cannot be read as a file (it is not seekable); Subquad reads regular files only");
            }

            return stream;
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException(path, null, "cannot be read (permission denied)");
        }
        catch (IOException ex)
        {
            throw new InputException(path, null, "cannot be read: " + ex.Message);
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> (links followed) is a regular file: not a folder, FIFO, socket or device.
    /// Where the type cannot be asked (not Linux), an existing non-folder counts as regular.
    /// </summary>
    public static bool IsRegularFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) return false;
        return TypeOf(path) is null or FileType.Regular;
    }

    /// <summary>The kinds of file stat(2) tells apart.</summary>
    internal enum FileType
    {
        Regular,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        Link,
        Other,
    }

    /// <summary>The type of <paramref name="path"/> (links followed) from stat(2), or null where it cannot be asked.</summary>
    internal static unsafe FileType? TypeOf(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int offset = RuntimeInformation.ProcessArchitecture switch
        {
            // st_mode's offset in struct stat: after st_dev, st_ino, st_nlink on x86-64; after st_dev, st_ino on the
            // generic layout (arm64, riscv64, loongarch64).
            Architecture.X64 => 24,
            Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 16,
            _ => -1,
        };
        if (offset < 0) return null;
        byte* buffer = stackalloc byte[256];
        int rc;
        try
        {
            rc = Stat(path, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            try
            {
                // glibc before 2.33 exports only __xstat (version 1 on x86-64, 0 on the generic layout).
                rc = XStat(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0, path, buffer);
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }
        catch (DllNotFoundException)
        {
            return null;
        }

        if (rc != 0) return null;
        uint mode = *(uint*)(buffer + offset);
        return (mode & 0xF000) switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0x1000 => FileType.Fifo,
            0x2000 => FileType.CharacterDevice,
            0x6000 => FileType.BlockDevice,
            0xC000 => FileType.Socket,
            0xA000 => FileType.Link,
            _ => FileType.Other,
        };
    }

    private static string Describe(FileType type) => type switch
    {
        FileType.Fifo => "a FIFO (named pipe)",
        FileType.CharacterDevice => "a character device",
        FileType.BlockDevice => "a block device",
        FileType.Socket => "a socket",
        FileType.Directory => "a directory",
        _ => "a special file",
    };

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern unsafe int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    [DllImport("libc", EntryPoint = "__xstat", SetLastError = true)]
    private static extern unsafe int XStat(int version, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);
}
