using System.CommandLine;
using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Gpu.Attention;
using Subquad.Gpu.Devices;
using Subquad.Gpu.Engine;
using Subquad.Models.Attention;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>--device gpu|cpu|auto</c> for <c>solve</c> and <c>transformer</c>: maps the choice to the exact engine (CPU
/// <see cref="ExactSolvers"/> or <see cref="GpuEngine"/>) and the attention mixer. <c>gpu</c> without a CUDA device is
/// refused with one line (exit 3); <c>auto</c> takes the GPU when one is found and the instance has at least
/// <see cref="AutoMinPairs"/> pairs (below that, uploading rows and launching costs more than the CPU engine's run).
/// </summary>
internal static class DeviceChoice
{
    /// <summary>Pairs from which <c>auto</c> prefers a GPU (about n = 45,000 monochromatic).</summary>
    public const long AutoMinPairs = 1L << 30;

    private static readonly Lazy<(GpuDevice? Device, string Reason)> Cuda = new(() =>
    {
        var device = GpuDevice.TryCuda(out string reason);
        return (device, reason);
    });

    /// <summary>The option, default cpu (the CPU engine is what every number in the README was measured with).</summary>
    public static Option<string> Option() => new("--device") { Description = "gpu, cpu (default) or auto (GPU when one is found and the instance has at least 2^30 pairs).", DefaultValueFactory = _ => "cpu" };

    /// <summary>The device <c>subquad info</c> shows: the CUDA device, or why there is none.</summary>
    public static string Describe()
    {
        var (device, reason) = Cuda.Value;
        return device is null ? "none (" + reason + ")" : device.Description;
    }

    /// <summary>The CUDA device for <paramref name="choice"/> on an instance of <paramref name="pairs"/> pairs, or null for the CPU.</summary>
    /// <exception cref="UsageException">The choice is not gpu, cpu or auto.</exception>
    /// <exception cref="PlatformNotSupportedException">gpu was asked for and none was found (exit 3).</exception>
    public static GpuDevice? Resolve(string choice, long pairs)
    {
        switch (choice.ToLowerInvariant())
        {
            case "cpu":
                return null;
            case "gpu":
                return Cuda.Value.Device ?? throw new PlatformNotSupportedException("--device gpu: " + Cuda.Value.Reason);
            case "auto":
                return pairs >= AutoMinPairs ? Cuda.Value.Device : null;
            default:
                throw new UsageException($"--device {choice}: expected gpu, cpu or auto");
        }
    }

    /// <summary>The exact solver behind <c>solve</c> for the chosen device.</summary>
    public static ExactRunner Runner(string choice, SimilarityInstance instance)
    {
        long n = instance.A.Count, m = instance.Right.Count;
        long pairs = instance.IsBichromatic ? n * m : n * (n - 1) / 2;
        var device = Resolve(choice, pairs);
        return device is null ? ExactRunner.Cpu : new ExactRunner(new GpuEngine(device));
    }

    /// <summary>The attention mixer for <c>transformer</c> on the chosen device (null: keep the CPU mixer).</summary>
    public static IAttentionMixer? Mixer(string choice, long rows)
    {
        var device = Resolve(choice, rows * rows);
        return device is null ? null : new GpuAttention(device);
    }
}

/// <summary>Solve, top-k and threshold joins on the CPU engine or a GPU engine.</summary>
internal sealed class ExactRunner(GpuEngine? gpu)
{
    public static ExactRunner Cpu { get; } = new(null);

    public string Name => gpu?.Name ?? ExactSolvers.Default.Name;

    public Answer Solve(SimilarityInstance instance, Problem problem, SolveOptions options) =>
        gpu is null ? ExactSolvers.Solve(instance, problem, options) : gpu.Solve(instance, problem, options with { Threads = null });

    public IReadOnlyList<Answer> TopPairs(SimilarityInstance instance, ProblemKind kind, int k, SolveOptions options) =>
        gpu is null ? ExactSolvers.TopPairs(instance, kind, k, options) : gpu.TopPairs(instance, kind, k, options with { Threads = null });

    public long PairsMeeting(SimilarityInstance instance, Problem problem, Func<Answer, bool> onPair, SolveOptions options) =>
        gpu is null ? ExactSolvers.PairsMeeting(instance, problem, onPair, options) : gpu.PairsMeeting(instance, problem, onPair, options with { Threads = null });
}
