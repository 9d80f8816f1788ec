using System.Runtime.Intrinsics;
using Subquad.Core.Kernels;

namespace Subquad.Models.Attention;

/// <summary>
/// The attention engine's paths as data: which kernels each runs, why one cannot run here, and the one place the
/// engine's (path, kernel) pair is chosen. The rule is the tiled engine's (<c>Subquad.Core.Engine.EnginePaths</c>):
/// the automatic path depends on the hardware, never on a kernel that was forced, and a forced pair that cannot run
/// throws <see cref="PlatformNotSupportedException"/> naming the reason; the engine never runs another pair instead.
/// A path is forced by <see cref="AttentionEngineOptions.Path"/>, else by <c>SUBQUAD_ATTENTION_PATH</c> (read only by
/// <see cref="KernelDispatch"/>, validated here: an unknown name fails, it is never ignored).
/// </summary>
public static class AttentionPaths
{
    private static readonly Lazy<AttentionPath?> s_forced = new(() => Parse(KernelDispatch.ForcedAttentionPathName));

    /// <summary>
    /// The path <c>SUBQUAD_ATTENTION_PATH</c> forces on every engine without its own <see cref="AttentionEngineOptions.Path"/>,
    /// or null when unset (the engine then takes <see cref="Automatic"/>).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The variable names no path (the message names the variable and the allowed values).</exception>
    public static AttentionPath? Forced => s_forced.Value;

    /// <summary>Parses a path name (case-insensitive; numbers are not names).</summary>
    public static bool TryParse(string text, out AttentionPath path) => KernelDispatch.TryParseName(text, out path);

    /// <summary>The path for a value of <c>SUBQUAD_ATTENTION_PATH</c> (null: unset): what <see cref="Forced"/> caches.</summary>
    /// <exception cref="PlatformNotSupportedException">The value names no path.</exception>
    internal static AttentionPath? Parse(string? value)
    {
        if (value is null) return null;
        if (TryParse(value, out var path)) return path;
        throw new PlatformNotSupportedException($"{KernelDispatch.AttentionPathVariable}={value} names no attention path (one of: {string.Join(", ", All)})");
    }

    /// <summary>Every path.</summary>
    public static IReadOnlyList<AttentionPath> All { get; } = Enum.GetValues<AttentionPath>();

    /// <summary>The kernels a path runs, widest last.</summary>
    public static IReadOnlyList<AttentionKernel> Kernels(AttentionPath path) => path switch
    {
        AttentionPath.Streaming => [AttentionKernel.Scalar, AttentionKernel.Vector256],
        AttentionPath.Tiled => [AttentionKernel.Vector512],
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
    };

    /// <summary>The (path, kernel) pairs this machine runs.</summary>
    public static IEnumerable<(AttentionPath Path, AttentionKernel Kernel)> Supported() =>
        All.SelectMany(p => Kernels(p).Where(k => Unsupported(p, k) is null).Select(k => (p, k)));

    /// <summary>The path chosen when none is forced: Tiled where Vector512 is accelerated, else Streaming.</summary>
    public static AttentionPath Automatic => Vector512.IsHardwareAccelerated ? AttentionPath.Tiled : AttentionPath.Streaming;

    /// <summary>Why <paramref name="path"/> cannot run <paramref name="kernel"/> here, or null when it can.</summary>
    public static string? Unsupported(AttentionPath path, AttentionKernel kernel)
    {
        if (!Kernels(path).Contains(kernel)) return $"the {path} path runs the {string.Join(" or ", Kernels(path))} kernel, not {kernel}";
        return kernel switch
        {
            AttentionKernel.Vector512 when !Vector512.IsHardwareAccelerated => "Vector512 is not hardware accelerated here",
            AttentionKernel.Vector256 when !Vector256.IsHardwareAccelerated => "Vector256 is not hardware accelerated here",
            _ => null,
        };
    }

    /// <summary>
    /// The engine's (path, kernel), chosen once: the forced path (the option, else <see cref="Forced"/>) or
    /// <see cref="Automatic"/>, then the forced kernel or the widest that path runs here.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The pair cannot run here (a forced path or kernel), or <c>SUBQUAD_ATTENTION_PATH</c> names no path; the reason is named.</exception>
    public static (AttentionPath Path, AttentionKernel Kernel) Choose(AttentionPath? path, AttentionKernel kernel) => ChooseWith(path, kernel, path is null ? Forced : null);

    /// <summary>As <see cref="Choose"/> with the environment's forced path given (tests pass their own).</summary>
    internal static (AttentionPath Path, AttentionKernel Kernel) ChooseWith(AttentionPath? path, AttentionKernel kernel, AttentionPath? forcedByEnvironment)
    {
        var chosenPath = path ?? forcedByEnvironment ?? Automatic;
        var chosenKernel = kernel != AttentionKernel.Auto
            ? kernel
            : Kernels(chosenPath).LastOrDefault(k => Unsupported(chosenPath, k) is null, Kernels(chosenPath)[^1]);
        if (Unsupported(chosenPath, chosenKernel) is { } reason)
        {
            string forced = path is not null ? $"path {chosenPath} with kernel {chosenKernel}"
                : forcedByEnvironment is not null ? $"path {chosenPath} (forced by {KernelDispatch.AttentionPathVariable}) with kernel {chosenKernel}"
                : $"kernel {chosenKernel} (path {chosenPath} chosen automatically)";
            throw new PlatformNotSupportedException($"attention {forced} cannot run: {reason}");
        }

        return (chosenPath, chosenKernel);
    }
}
