using System.Text.Json;
using System.Text.Json.Serialization;

namespace Subquad.Core.IO;

/// <summary>
/// The JSON file <c>subquad embed</c> writes beside its vectors (<c>docs.npy</c> -> <c>docs.names.json</c>): the
/// file each row came from and the keyword each column stands for, so answers can name documents. Readers attach
/// it automatically (see <see cref="VectorFile.Read(string, VectorKind?)"/>).
/// </summary>
public sealed record RowNamesSidecar
{
    /// <summary>Row i's name (a document's path relative to the embedded folder, '/'-separated).</summary>
    [JsonPropertyName("rows")]
    public required IReadOnlyList<string> Rows { get; init; }

    /// <summary>Column k's keyword, when the columns are keywords.</summary>
    [JsonPropertyName("keywords")]
    public IReadOnlyList<string>? Keywords { get; init; }

    /// <summary>Where the rows came from (the embedded folder), for people reading the file.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The sidecar path for a vectors file: same folder, extension replaced by <c>.names.json</c>.</summary>
    public static string PathFor(string vectorsPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(vectorsPath)) ?? ".", Path.GetFileNameWithoutExtension(vectorsPath) + ".names.json");

    /// <summary>Reads the sidecar of <paramref name="vectorsPath"/>, or null when there is none.</summary>
    /// <exception cref="InputException">The sidecar exists but is not valid.</exception>
    public static RowNamesSidecar? TryReadFor(string vectorsPath)
    {
        string path = PathFor(vectorsPath);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = FileInput.Open(path);
            var sidecar = JsonSerializer.Deserialize<RowNamesSidecar>(stream, Options);
            if (sidecar?.Rows is null || sidecar.Rows.Any(r => r is null)) throw new InputException(path, null, "has no \"rows\" list of names; delete it or write it again with subquad embed");
            return sidecar;
        }
        catch (JsonException ex)
        {
            throw new InputException(path, ex.LineNumber is { } l ? $"line {l + 1}" : null, "is not a valid row-names file: " + ex.Message.Split('\n')[0] + " (delete it or write it again with subquad embed)");
        }
    }

    /// <summary>Writes this sidecar beside <paramref name="vectorsPath"/>; returns the path written.</summary>
    public string WriteFor(string vectorsPath)
    {
        string path = PathFor(vectorsPath);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Options));
        return path;
    }

    /// <summary>
    /// Called by every writer of a vectors file: removes a sidecar beside <paramref name="vectorsPath"/> that would
    /// now describe the wrong rows (it belonged to the file's previous contents), so the next read does not fail on
    /// "names 300 rows but docs.npy has 10000". Kept when the new rows carry exactly the names it lists; a writer
    /// with names (embed) writes its own sidecar afterwards.
    /// </summary>
    public static void RemoveStale(string vectorsPath, Vectors.VectorSet vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        string path = PathFor(vectorsPath);
        if (!File.Exists(path)) return;
        if (vectors.RowNames is { } names)
        {
            try
            {
                if (TryReadFor(vectorsPath) is { } existing && existing.Rows.SequenceEqual(names, StringComparer.Ordinal)) return;
            }
            catch (InputException)
            {
                // An unreadable sidecar is stale too.
            }
        }

        File.Delete(path);
    }
}
