using System.Text;
using System.Text.Json;
using Subquad.Core.Vectors;

namespace Subquad.Lab.Duel;

/// <summary>
/// <c>--save-instances DIR</c>: every drawn instance as NumPy .npy files (uint8 0/1, shape (rows, l); one file for a
/// monochromatic instance, "-a" and "-b" files for the two sides of a bichromatic one) and DIR/manifest.json listing
/// family, n, l, batch, trial, seed, truth and the files, so others can rerun the same instances. Files are written
/// atomically (temporary name, then moved); the manifest is rewritten every 64 instances and on Flush.
/// </summary>
public sealed class InstanceArchive
{
    private readonly string _directory;
    private readonly List<object> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>An archive in <paramref name="directory"/> (created).</summary>
    public InstanceArchive(string directory)
    {
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        Directory.CreateDirectory(directory);
    }

    /// <summary>Saves one instance and updates the manifest.</summary>
    public void Save(DrawnInstance drawn)
    {
        ArgumentNullException.ThrowIfNull(drawn);
        string stem = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Slug(drawn.Family)}-n{drawn.N}-b{drawn.Batch}-t{drawn.Trial:D4}");
        var files = new List<string>();
        if (drawn.Instance.B is null)
        {
            files.Add(Write(stem + ".npy", drawn.Instance.A));
        }
        else
        {
            files.Add(Write(stem + "-a.npy", drawn.Instance.A));
            files.Add(Write(stem + "-b.npy", drawn.Instance.B));
        }

        lock (_gate)
        {
            _entries.Add(new { family = drawn.Family, n = drawn.N, l = drawn.Dimensions, batch = drawn.Batch, trial = drawn.Trial, seed = drawn.Seed, truth = drawn.Truth, bichromatic = drawn.Instance.B is not null, files });
            if (_entries.Count % 64 == 1) WriteManifest();
        }
    }

    /// <summary>Writes the manifest of everything saved so far (call at the end; it is also written every 64 instances).</summary>
    public void Flush()
    {
        lock (_gate) WriteManifest();
    }

    private void WriteManifest()
    {
        string manifest = JsonSerializer.Serialize(new { schema = "subquad.duel-instances/1", instances = _entries }, new JsonSerializerOptions { WriteIndented = true });
        Atomic(Path.Combine(_directory, "manifest.json"), Encoding.UTF8.GetBytes(manifest));
    }

    /// <summary>The .npy bytes of a 0/1 matrix (format version 1.0, uint8, C order).</summary>
    public static byte[] Npy(VectorSet vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        int rows = vectors.Count, l = vectors.Dimensions;
        string header = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({rows}, {l}), }}");
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        var bytes = new byte[10 + header.Length + ((long)rows * l)];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        int offset = 10 + header.Length;
        for (int i = 0; i < rows; i++)
        {
            for (int a = 0; a < l; a++)
            {
                bytes[offset + ((long)i * l) + a] = vectors switch
                {
                    BinaryVectors b => b[i, a] ? (byte)1 : (byte)0,
                    _ => throw new NotSupportedException("only binary instances are saved as .npy"),
                };
            }
        }

        return bytes;
    }

    private string Write(string name, VectorSet vectors)
    {
        Atomic(Path.Combine(_directory, name), Npy(vectors));
        return name;
    }

    private static void Atomic(string path, byte[] contents)
    {
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, contents);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Slug(string text) => new(text.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray());
}
