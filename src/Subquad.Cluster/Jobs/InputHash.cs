using System.Security.Cryptography;

namespace Subquad.Cluster.Jobs;

/// <summary>Size and content hash of an input file (read-only, sequential).</summary>
public static class InputHash
{
    /// <summary>The reference a job carries for <paramref name="path"/>.</summary>
    public static InputRef Of(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        byte[] hash = SHA256.HashData(stream);
        return new InputRef { Path = full, Size = stream.Length, Sha256 = Convert.ToHexStringLower(hash) };
    }

    /// <summary>Null when the file at the reference's path has its size and hash, else why not (one line).</summary>
    public static string? Mismatch(InputRef expected, string siloName)
    {
        var info = new FileInfo(expected.Path);
        if (!info.Exists) return $"{expected.Path}: file not found on silo {siloName}";
        if (info.Length != expected.Size) return $"{expected.Path}: {info.Length} bytes on silo {siloName}, but {expected.Size} bytes when the job was submitted (the file differs between machines)";
        var actual = Of(expected.Path);
        if (actual.Size != expected.Size || actual.Sha256 != expected.Sha256)
        {
            return $"{expected.Path}: content hash {actual.Sha256[..16]}... on silo {siloName}, but {expected.Sha256[..16]}... when the job was submitted (the file differs between machines)";
        }

        return null;
    }
}
