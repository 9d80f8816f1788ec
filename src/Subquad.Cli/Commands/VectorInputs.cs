using System.CommandLine;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Commands;

/// <summary>
/// How verbs that read vectors read them: by extension (<see cref="VectorFile"/>), or bit-packed with
/// <c>--packed --dim L</c> (<see cref="PackedBits"/>, never guessed). Row names come from the sidecar either way.
/// </summary>
internal static class VectorInputs
{
    public static Option<bool> Packed() => new("--packed")
    {
        Description = "Read bit-packed binary rows (uint8 .npy from np.packbits(x, axis=1), as FAISS binary indexes use); needs --dim L.",
    };

    public static Option<int?> PackedDim() => new("--dim")
    {
        Description = "With --packed: the number of bits l per row (the file stores ceil(l / 8) bytes).",
    };

    public static Option<bool> Mmap() => new("--mmap")
    {
        Description = "Use .npy input through a read-only memory map instead of a copy in memory (automatic for files of 1 GiB or more, or over half the free memory): solves files larger than RAM.",
    };

    public static Option<bool> NoMmap() => new("--no-mmap")
    {
        Description = "Always read .npy input into memory, even when it is large.",
    };

    /// <summary>--mmap always maps, --no-mmap never, neither: automatic by size.</summary>
    public static InputMapping Mapping(bool mmap, bool noMmap) =>
        mmap && noMmap ? throw new UsageException("--mmap and --no-mmap exclude each other")
        : mmap ? InputMapping.Always : noMmap ? InputMapping.Never : InputMapping.Auto;

    /// <summary>Checks the packed options: --packed needs --dim, --dim needs --packed, and neither goes with --dense.</summary>
    public static int? PackedDimensions(bool packed, int? dim, bool dense)
    {
        if (packed && dim is null) throw new UsageException("--packed needs --dim L (the bit length is not in the file, and Subquad never guesses it)");
        if (!packed && dim is not null) throw new UsageException("--dim only applies to --packed input");
        if (dim is < 1) throw new UsageException($"--dim {dim}: must be at least 1");
        if (packed && dense) throw new UsageException("--packed rows are binary; it does not combine with --dense");
        return packed ? dim : null;
    }

    /// <summary>Reads one input; <paramref name="packedDim"/> non-null reads packed bits of that length.</summary>
    public static VectorSet Read(CliIO io, string path, VectorKind? kind, int? packedDim, InputMapping mapping = InputMapping.Never)
    {
        if (packedDim is not int l)
        {
            var vectors = VectorFile.Read(path, kind, mapping);
            WarnIfLooksPacked(io, path, vectors);
            return vectors;
        }

        var packed = PackedBits.Read(path, l);
        var sidecar = RowNamesSidecar.TryReadFor(path);
        if (sidecar is null) return packed;
        if (sidecar.Rows.Count != packed.Count) throw new InputException(RowNamesSidecar.PathFor(path), null, $"names {sidecar.Rows.Count} rows but {path} has {packed.Count}; it belongs to another file (delete it)");
        return packed.WithNames(sidecar.Rows, path);
    }

    /// <summary>The stored dtype for the schema's input object.</summary>
    public static string? Dtype(string path, int? packedDim) => packedDim is null ? Output.Inputs.StoredDtype(path) : "packed_bits";

    /// <summary>
    /// A uint8 .npy whose values are not all 0/1 reads as dense counts. That is right for counts and wrong for
    /// np.packbits output, which the file cannot tell apart: say so, once, on stderr.
    /// </summary>
    private static void WarnIfLooksPacked(CliIO io, string path, VectorSet vectors)
    {
        if (vectors.IsBinary || !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return;
        try
        {
            if (NpyReader.ReadHeader(path).Dtype.Element == NpyElement.UInt8)
            {
                io.Error.WriteLine($"note: {path} is uint8 with values other than 0 and 1, read as dense vectors; if its rows are np.packbits output, pass --packed --dim L");
            }
        }
        catch (InputException)
        {
        }
    }
}
