using Subquad.Core.Kernels;

namespace Subquad.Core.Engine;

/// <summary>The engine paths as a list: what each needs, and whether a solve can run it (for <c>subquad info</c> and tests).</summary>
public static class EnginePaths
{
    /// <summary>Every path, binary first.</summary>
    public static IReadOnlyList<EnginePath> All { get; } = Enum.GetValues<EnginePath>();

    /// <summary>Parses a path name (case-insensitive; numbers are not names): <c>SUBQUAD_PATH</c> and the CLI's <c>--path</c>.</summary>
    public static bool TryParse(string text, out EnginePath path) => KernelDispatch.TryParseName(text, out path);

    /// <summary>True for the paths that count binary rows, false for the dense ones.</summary>
    public static bool IsBinary(EnginePath path) => path is not (EnginePath.DenseFloat32 or EnginePath.DenseInt8);

    /// <summary>What a path needs, in words.</summary>
    public static string Needs(EnginePath path) => path switch
    {
        EnginePath.OneWordTiles => "binary rows of at most 64 bits, the Vector512 or Avx512VbmiPermute variant",
        EnginePath.Tiles or EnginePath.StagedTiles => "binary rows, any variant",
        EnginePath.Packed6Tiles => "binary rows of at least 1 bit, the Avx512VbmiPermute variant",
        EnginePath.BitSliced => $"binary rows of 1 to {BitSlicesMaxDimensions - 1} bits, blocks of at most {BitSlices.Lanes} rows, the Avx512VbmiPermute variant",
        EnginePath.DenseFloat32 => "dense rows, any variant",
        EnginePath.DenseInt8 => "dense rows of at most 65,536 floats, the Avx512VbmiPermute variant and AVX-VNNI",
        _ => "a path this build does not know",
    };

    /// <summary>True when this CPU, with <paramref name="variant"/>, runs the path on some input.</summary>
    public static bool RunsWith(EnginePath path, KernelVariant variant) =>
        KernelDispatch.IsSupported(variant) && Unsupported(path, variant, IsBinary(path), path == EnginePath.OneWordTiles ? 64 : 1024, BitSlices.Lanes) is null;

    /// <summary>The paths this CPU runs with its best variant (<see cref="KernelDispatch.Best"/>) on some input.</summary>
    public static IReadOnlyList<EnginePath> Supported => All.Where(p => RunsWith(p, KernelDispatch.Best)).ToArray();

    /// <summary>Rows of this many bits or more do not fit the bit-sliced counts (12 bit planes).</summary>
    internal const int BitSlicesMaxDimensions = 4096;

    /// <summary>
    /// Why <paramref name="path"/> cannot run a solve of this shape with this variant, or null when it can. The
    /// engine throws this reason for a forced path (<see cref="Require"/>); it never runs another path in its place.
    /// </summary>
    public static string? Unsupported(EnginePath path, KernelVariant variant, bool binary, int dimensions, int blockRows)
    {
        if (!Enum.IsDefined(path)) return "it is not a path this build knows";
        if (IsBinary(path) != binary) return $"it counts {(binary ? "dense" : "binary")} rows and this input has {(binary ? "binary" : "dense")} rows";
        bool wide = variant is KernelVariant.Vector512 or KernelVariant.Avx512VbmiPermute;
        bool vbmi = variant == KernelVariant.Avx512VbmiPermute;
        return path switch
        {
            EnginePath.OneWordTiles when dimensions > 64 => $"it needs rows of at most 64 bits (these have {dimensions})",
            EnginePath.OneWordTiles when !wide => $"it needs the Vector512 or Avx512VbmiPermute variant (not {variant})",
            EnginePath.Packed6Tiles when !vbmi => $"it needs the Avx512VbmiPermute variant (not {variant})",
            EnginePath.Packed6Tiles when dimensions < 1 => "it needs rows of at least 1 bit",
            EnginePath.BitSliced when !vbmi => $"it needs the Avx512VbmiPermute variant (not {variant})",
            EnginePath.BitSliced when dimensions is < 1 or >= BitSlicesMaxDimensions => $"it needs rows of 1 to {BitSlicesMaxDimensions - 1} bits (these have {dimensions})",
            EnginePath.BitSliced when blockRows > BitSlices.Lanes => $"it needs blocks of at most {BitSlices.Lanes} rows (not {blockRows})",
            EnginePath.DenseInt8 when !DenseInnerProducts.UsesInt8Screen(variant, dimensions) => $"it needs the Avx512VbmiPermute variant, AVX-VNNI and at most 65,536 dimensions (here: {variant}, AVX-VNNI {(System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? "present" : "absent")}, {dimensions} dimensions)",
            _ => null,
        };
    }

    /// <summary>
    /// Returns <paramref name="path"/> when it can run the solve with <paramref name="variant"/>, else throws naming why
    /// and the paths that would run. Never another path in its place: a forced path stays forced, and an automatic one
    /// (chosen for this CPU, <see cref="KernelDispatch.Widest"/>) is not swapped for one a forced variant can run.
    /// <c>pathForced</c> (true when <c>SUBQUAD_PATH</c> or the engine's option chose the path) only shapes the message.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The path cannot run this solve (the CLI reports it as an unsupported run, like an unsupported SUBQUAD_KERNEL).</exception>
    internal static EnginePath Require(EnginePath path, KernelVariant variant, bool binary, int dimensions, int blockRows, bool pathForced = true)
    {
        if (Unsupported(path, variant, binary, dimensions, blockRows) is { } why)
        {
            var runnable = All.Where(p => Unsupported(p, variant, binary, dimensions, blockRows) is null).ToList();
            string alternatives = runnable.Count == 0 ? "no path runs this input with that variant" : $"paths that run this input with {variant}: {string.Join(", ", runnable)}";
            string message = pathForced
                ? $"engine path {path} cannot run this solve: {why} ({KernelDispatch.PathVariable} or the engine's path option forced it; {alternatives})"
                : $"engine path {path}, chosen for this input on this CPU, cannot run with kernel variant {variant}: {why}. A forced instruction set ({KernelDispatch.EnvironmentVariable} or the engine's variant option) never changes the algorithm: force a path too ({KernelDispatch.PathVariable}=<path>; {alternatives}), or do not force the variant";
            throw new PlatformNotSupportedException(message);
        }

        return path;
    }
}
