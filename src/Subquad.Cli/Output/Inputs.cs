using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Output;

/// <summary>The structured <c>input</c> object of the schema: path, n, dim, kind, dtype (docs/formats.md).</summary>
internal static class Inputs
{
    /// <summary>
    /// The object for a vectors file: <c>kind</c> is how it was read (binary or dense), <c>dtype</c> how it is stored
    /// (numpy names: <c>uint8</c>, <c>float32</c>, <c>bool</c>, ...; <c>packed_bits</c> for --packed; <c>text</c> for CSV).
    /// </summary>
    public static Record Of(string? path, VectorSet vectors, string? dtype = null) => new()
    {
        { "path", path },
        { "n", vectors.Count },
        { "dim", vectors.Dimensions },
        { "kind", vectors.IsBinary ? "binary" : "dense" },
        { "dtype", dtype ?? (path is null ? null : StoredDtype(path)) },
    };

    /// <summary>How a file stores its values, by format (the header for .npy); null when it cannot be told.</summary>
    public static string? StoredDtype(string path)
    {
        try
        {
            return VectorFile.FormatOf(path) switch
            {
                ".npy" => NumpyName(NpyReader.ReadHeader(path).Dtype),
                ".fvecs" => "float32",
                ".bvecs" => "uint8",
                ".bits" => "bit",
                _ => "text",
            };
        }
        catch (Exception ex) when (ex is InputException or IOException)
        {
            return null;
        }
    }

    /// <summary>numpy's name of a dtype: <c>float32</c>, <c>uint8</c>, <c>bool</c>.</summary>
    public static string NumpyName(NpyDtype dtype) => dtype.Element switch
    {
        NpyElement.Bool => "bool",
        _ => dtype.Element.ToString().ToLowerInvariant(),
    };
}
