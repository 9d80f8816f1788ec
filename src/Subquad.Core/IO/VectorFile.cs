using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>
/// The one place that maps a file name to its reader and writer, by extension: <c>.npy</c>, <c>.fvecs</c>,
/// <c>.bvecs</c>, <c>.csv</c>, <c>.tsv</c>, <c>.txt</c> (delimited numbers, exactly as <c>.csv</c>, in every verb) and
/// <c>.bits</c> (one 0/1 string per line, read only: <see cref="BitStringReader"/>). Reading also attaches row names
/// from a <see cref="RowNamesSidecar"/> next to the file when there is one.
/// </summary>
public static class VectorFile
{
    /// <summary>The extensions <see cref="Read(string, VectorKind?)"/> and <see cref="Write"/> accept, for messages.</summary>
    public const string Extensions = ".npy, .fvecs, .bvecs, .csv, .tsv, .txt, .bits";

    /// <summary>Reads <paramref name="path"/>; <paramref name="forced"/> overrides the kind the data would give.</summary>
    /// <exception cref="InputException">Missing, unreadable or malformed file, an unknown extension, or a sidecar that does not match.</exception>
    public static VectorSet Read(string path, VectorKind? forced = null) => Read(path, forced, InputMapping.Never);

    /// <summary>
    /// Reads <paramref name="path"/>, a .npy file through a memory map when <paramref name="mapping"/> says so
    /// (<see cref="NpyMappedReader"/>: same vectors, file-backed memory instead of a managed copy).
    /// </summary>
    /// <exception cref="InputException">Missing, unreadable or malformed file, an unknown extension, or a sidecar that does not match.</exception>
    public static VectorSet Read(string path, VectorKind? forced, InputMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileInput.RequireFile(path);
        var vectors = FormatOf(path) switch
        {
            ".npy" when NpyMappedReader.ShouldMap(path, mapping) => NpyMappedReader.Read(path, forced),
            ".npy" => NpyReader.Read(path, forced),
            ".fvecs" => TexmexReader.Read(path, TexmexFormat.Fvecs, forced),
            ".bvecs" => TexmexReader.Read(path, TexmexFormat.Bvecs, forced),
            ".tsv" => CsvReader.Read(path, forced, '\t', CsvHeader),
            ".bits" => BitStringReader.Read(path, forced),
            _ => CsvReader.Read(path, forced, header: CsvHeader),
        };
        var sidecar = RowNamesSidecar.TryReadFor(path);
        if (sidecar is null) return vectors;
        if (sidecar.Rows.Count != vectors.Count)
        {
            throw new InputException(RowNamesSidecar.PathFor(path), null, $"names {sidecar.Rows.Count} rows but {path} has {vectors.Count}; it belongs to another file (delete it or embed again)");
        }

        return vectors.WithNames(sidecar.Rows, vectors.Source);
    }

    private static readonly AsyncLocal<bool?> CsvHeaderMode = new();

    /// <summary>
    /// How delimited text read here treats its first row in the current call flow (the CLI's <c>--header</c> /
    /// <c>--no-header</c>): true a header, false data, null (default) a header only when no field is a number.
    /// </summary>
    public static bool? CsvHeader
    {
        get => CsvHeaderMode.Value;
        set => CsvHeaderMode.Value = value;
    }

    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> in the format its extension names (atomically).</summary>
    public static void Write(string path, VectorSet vectors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vectors);
        switch (WritableFormatOf(path))
        {
            case ".npy":
                AtomicFile.Write(path, stream => NpyWriter.Write(stream, vectors));
                break;
            case ".fvecs":
                TexmexWriter.Write(path, vectors, TexmexFormat.Fvecs);
                break;
            case ".bvecs":
                TexmexWriter.Write(path, vectors, TexmexFormat.Bvecs);
                break;
            case ".tsv":
                CsvWriter.Write(path, vectors, '\t');
                break;
            default:
                CsvWriter.Write(path, vectors, ',');
                break;
        }

        RowNamesSidecar.RemoveStale(path, vectors);
    }

    /// <summary>The lower-case extension of a file <see cref="Write"/> can write (every readable one but <c>.bits</c>).</summary>
    /// <exception cref="InputException">An unknown extension, or <c>.bits</c>.</exception>
    public static string WritableFormatOf(string path)
    {
        string extension = FormatOf(path);
        return extension != ".bits" ? extension : throw new InputException(path, null, "is a .bits file, which Subquad reads but does not write; write .npy, .csv or .bvecs");
    }

    /// <summary>The lower-case extension of a supported file.</summary>
    /// <exception cref="InputException">The extension is not one Subquad reads.</exception>
    public static string FormatOf(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".npy" or ".fvecs" or ".bvecs" or ".csv" or ".tsv" or ".txt" or ".bits"
            ? extension
            : throw new InputException(path, null, $"has extension '{extension}', which Subquad does not know; use one of {Extensions}");
    }
}
