using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Subquad.Core.Kernels;

/// <summary>
/// Chooses the kernel variant once per process: the widest one this CPU runs natively, unless the environment
/// variable <c>SUBQUAD_KERNEL</c> forces one; and reads the engine path that <c>SUBQUAD_PATH</c> forces, if any
/// (<see cref="Engine.EnginePath"/>), and the attention engine's path that <c>SUBQUAD_ATTENTION_PATH</c> forces (parsed
/// by <c>Subquad.Models.Attention.AttentionPaths</c>, which owns the names). This is the only class that reads these
/// variables (STYLE 3.2).
/// </summary>
/// <remarks>
/// A forced variant that this CPU cannot run throws <see cref="PlatformNotSupportedException"/> naming the variant
/// and the missing instruction set; it never falls back silently (STYLE 3.8). An unknown name in the variable is
/// reported the same way rather than ignored (anti-pattern 10).
/// .NET 10 exposes no <c>Avx512Vpopcntdq</c> class (checked on this machine), so the 512-bit bit kernels count bits
/// with the AVX-512BW nibble table; when a runtime ships VPOPCNTQ, it becomes one more variant here.
/// Every kernel body and every runner's tile loop is <c>[MethodImpl(MethodImplOptions.AggressiveOptimization)]</c>:
/// one call runs a whole block, so tier-0 code with on-stack replacement made the first solve 2x slower (measured);
/// this is the one place that says so.
/// </remarks>
public static class KernelDispatch
{
    /// <summary>The environment variable that forces a variant (<c>Scalar</c>, <c>Vector128</c>, <c>Vector256</c>, <c>Vector512</c>, <c>Avx512VbmiPermute</c>).</summary>
    public const string EnvironmentVariable = "SUBQUAD_KERNEL";

    /// <summary>The environment variable that forces an engine path (<c>Tiles</c>, <c>Packed6Tiles</c>, <c>BitSliced</c>, ...; see <see cref="Engine.EnginePaths.All"/>).</summary>
    public const string PathVariable = "SUBQUAD_PATH";

    /// <summary>The environment variable that forces the attention engine's path (<c>Streaming</c>, <c>Tiled</c>; see <c>Subquad.Models.Attention.AttentionPaths</c>).</summary>
    public const string AttentionPathVariable = "SUBQUAD_ATTENTION_PATH";

    /// <summary>The raw value of <c>SUBQUAD_ATTENTION_PATH</c>, or null when unset (the attention room parses and validates it).</summary>
    public static string? ForcedAttentionPathName => Environment.GetEnvironmentVariable(AttentionPathVariable) is { Length: > 0 } s ? s : null;

    private static readonly Lazy<KernelVariant> s_best = new(() => Choose(ForcedName));

    private static readonly Lazy<Engine.EnginePath?> s_path = new(() => ChoosePath(ForcedPathName));

    /// <summary>The raw value of <c>SUBQUAD_PATH</c>, or null when unset.</summary>
    public static string? ForcedPathName => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } s ? s : null;

    /// <summary>
    /// The engine path <c>SUBQUAD_PATH</c> forces on every engine without its own path option, or null when unset (each
    /// solve then chooses). A forced path that cannot run a solve makes the solve fail; it never falls back.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The variable names no path.</exception>
    public static Engine.EnginePath? ForcedPath => s_path.Value;

    /// <summary>The path for a value of <c>SUBQUAD_PATH</c> (null: unset): what <see cref="ForcedPath"/> caches.</summary>
    internal static Engine.EnginePath? ChoosePath(string? forced)
    {
        if (forced is null) return null;
        if (Engine.EnginePaths.TryParse(forced, out var path)) return path;
        throw new PlatformNotSupportedException($"{PathVariable}={forced} names no engine path (one of: {string.Join(", ", Engine.EnginePaths.All)})");
    }

    /// <summary>The raw value of <c>SUBQUAD_KERNEL</c>, or null when unset.</summary>
    public static string? ForcedName => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } s ? s : null;

    /// <summary>
    /// The variant every default solve uses: forced by <c>SUBQUAD_KERNEL</c>, else the widest supported variant
    /// (Scalar &lt; Vector128 &lt; Vector256 &lt; Vector512 &lt; Avx512VbmiPermute). The VBMI variant became the default
    /// when its 6-bit row encoding (<see cref="Packed6Rows"/>) measured 1.4x-1.7x the nibble table per thread on rows
    /// of 700-1024 bits (STYLE 3.3.5: kept opt-in until measured); <c>SUBQUAD_KERNEL=Vector512</c> with <c>SUBQUAD_PATH=Tiles</c> is the baseline (a forced variant never changes the path).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The forced variant is unknown or not supported by this CPU.</exception>
    public static KernelVariant Best => s_best.Value;

    /// <summary>
    /// The widest variant this CPU runs, whatever <c>SUBQUAD_KERNEL</c> says: the hardware the automatic engine path
    /// is chosen for (<see cref="Engine.BinaryPlan"/>, <see cref="Engine.DensePlan"/>). A forced variant changes the
    /// instruction set only, never the path; a path the forced variant cannot run fails (<see cref="Engine.EnginePaths.Require"/>).
    /// </summary>
    public static KernelVariant Widest => Supported.Max();

    /// <summary>Every variant, narrowest first.</summary>
    public static IReadOnlyList<KernelVariant> All { get; } = Enum.GetValues<KernelVariant>();

    /// <summary>The variants this CPU runs, narrowest first (always includes <see cref="KernelVariant.Scalar"/>).</summary>
    public static IReadOnlyList<KernelVariant> Supported { get; } = All.Where(IsSupported).ToArray();

    /// <summary>True when this CPU has every instruction the variant uses, in hardware.</summary>
    public static bool IsSupported(KernelVariant variant) => MissingInstructions(variant) is null;

    /// <summary>The instruction set a variant lacks here, or null when it is supported.</summary>
    public static string? MissingInstructions(KernelVariant variant) => variant switch
    {
        KernelVariant.Scalar => null,
        KernelVariant.Vector128 => Ssse3.IsSupported && Fma.IsSupported && Vector128.IsHardwareAccelerated ? null : "SSSE3 and FMA3",
        KernelVariant.Vector256 => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated ? null : "AVX2 and FMA3",
        KernelVariant.Vector512 => Avx512BW.IsSupported && Avx512F.IsSupported ? null : "AVX-512F and AVX-512BW",
        KernelVariant.Avx512VbmiPermute => Avx512BW.IsSupported && Avx512F.IsSupported && Avx512Vbmi.IsSupported ? null : "AVX-512F, AVX-512BW and AVX-512 VBMI",
        _ => "an instruction set this build does not know",
    };

    /// <summary>Returns <paramref name="variant"/> when this CPU runs it, else throws.</summary>
    /// <exception cref="PlatformNotSupportedException">The variant is not supported here.</exception>
    public static KernelVariant Require(KernelVariant variant)
    {
        string? missing = MissingInstructions(variant);
        if (missing is not null)
        {
            throw new PlatformNotSupportedException($"kernel variant {variant} needs {missing}, which this CPU does not have (supported here: {string.Join(", ", Supported)})");
        }

        return variant;
    }

    /// <summary>Parses a variant name (case-insensitive).</summary>
    public static bool TryParse(string text, out KernelVariant variant) => TryParseName(text, out variant);

    /// <summary>
    /// Parses the name of a dispatch choice (a variant, an engine path, an attention path): case-insensitive, spaces
    /// around it ignored, numbers refused (<c>Enum.TryParse</c> alone would take "3" as the fourth value).
    /// </summary>
    public static bool TryParseName<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !long.TryParse(text.Trim(), out _);

    /// <summary>The variant for a value of <c>SUBQUAD_KERNEL</c> (null: unset): what <see cref="Best"/> caches.</summary>
    internal static KernelVariant Choose(string? forced)
    {
        if (forced is not null)
        {
            if (!TryParse(forced, out var variant))
            {
                throw new PlatformNotSupportedException($"{EnvironmentVariable}={forced} names no kernel variant (one of: {string.Join(", ", All)})");
            }

            return Require(variant);
        }

        return Widest;
    }
}
