using System.Runtime.Intrinsics;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Attention;

/// <summary>The attention engine's paths: chosen once from the hardware, listed, forceable, never a silent fallback.</summary>
public sealed class AttentionPathTests
{
    [Fact]
    public void Automatic_DependsOnTheHardwareOnly()
    {
        if (AttentionPaths.Forced is { } forced) Assert.Skip($"SUBQUAD_ATTENTION_PATH={forced} forces every engine's path in this run");
        var engine = new AttentionEngine();
        Assert.Equal(Vector512.IsHardwareAccelerated ? AttentionPath.Tiled : AttentionPath.Streaming, engine.Path);
        Assert.Equal(AttentionPaths.Automatic, engine.Path);
        Assert.Equal(AttentionPaths.Kernels(engine.Path).Last(k => AttentionPaths.Unsupported(engine.Path, k) is null), engine.Kernel);
    }

    [Fact]
    public void ForcingAKernelAlone_NeverChangesThePath()
    {
        // Scalar belongs to Streaming only: forced without a path on a Vector512 machine it is refused, not rerouted.
        if (AttentionPaths.Forced is { } forced) Assert.Skip($"SUBQUAD_ATTENTION_PATH={forced} forces every engine's path in this run");
        if (AttentionPaths.Automatic == AttentionPath.Tiled)
        {
            var ex = Assert.Throws<PlatformNotSupportedException>(() => new AttentionEngine(new AttentionEngineOptions { Kernel = AttentionKernel.Scalar }));
            Assert.Contains("the Tiled path runs the Vector512 kernel, not Scalar", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(AttentionPath.Streaming, new AttentionEngine(new AttentionEngineOptions { Kernel = AttentionKernel.Scalar }).Path);
        }

        var streaming = new AttentionEngine(new AttentionEngineOptions { Path = AttentionPath.Streaming, Kernel = AttentionKernel.Scalar });
        Assert.Equal((AttentionPath.Streaming, AttentionKernel.Scalar), (streaming.Path, streaming.Kernel));
    }

    [Fact]
    public void PairsThatCannotRun_AreRefusedWithTheReason()
    {
        Assert.Throws<PlatformNotSupportedException>(() => new AttentionEngine(new AttentionEngineOptions { Path = AttentionPath.Streaming, Kernel = AttentionKernel.Vector512 }));
        Assert.Throws<PlatformNotSupportedException>(() => new AttentionEngine(new AttentionEngineOptions { Path = AttentionPath.Tiled, Kernel = AttentionKernel.Vector256 }));
        if (!Vector512.IsHardwareAccelerated)
        {
            var ex = Assert.Throws<PlatformNotSupportedException>(() => new AttentionEngine(new AttentionEngineOptions { Path = AttentionPath.Tiled }));
            Assert.Contains("not hardware accelerated", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Listing_CoversEveryPath_AndOnlyRunnablePairs()
    {
        Assert.Equal([AttentionPath.Streaming, AttentionPath.Tiled], AttentionPaths.All);
        Assert.Contains((AttentionPath.Streaming, AttentionKernel.Scalar), AttentionPaths.Supported());
        Assert.All(AttentionPaths.Supported(), pair => Assert.Null(AttentionPaths.Unsupported(pair.Path, pair.Kernel)));
        Assert.Equal(Vector512.IsHardwareAccelerated, AttentionPaths.Supported().Any(p => p.Path == AttentionPath.Tiled));
    }

    [Fact]
    public void EnvironmentVariable_ParsesEveryPathName_OrFailsNamingTheVariableAndTheAllowedValues()
    {
        Assert.Null(AttentionPaths.Parse(null));
        foreach (var path in AttentionPaths.All)
        {
            Assert.Equal(path, AttentionPaths.Parse(path.ToString().ToLowerInvariant()));
            Assert.Equal(path, AttentionPaths.Parse(" " + path.ToString().ToUpperInvariant() + " "));
        }

        var unknown = Assert.Throws<PlatformNotSupportedException>(() => AttentionPaths.Parse("Fastest"));
        Assert.Equal("SUBQUAD_ATTENTION_PATH=Fastest names no attention path (one of: Streaming, Tiled)", unknown.Message);
        Assert.Throws<PlatformNotSupportedException>(() => AttentionPaths.Parse("1")); // a value's number is not its name
        Assert.Throws<PlatformNotSupportedException>(() => AttentionPaths.Parse("tiles")); // the tiled engine's path, not attention's

        // This process: what the variable says (the test run normally leaves it unset).
        Assert.Equal(AttentionPaths.Parse(Subquad.Core.Kernels.KernelDispatch.ForcedAttentionPathName), AttentionPaths.Forced);
    }

    [Fact]
    public void EnvironmentPath_ForcesEnginesWithoutTheirOwnPath_AndNeverFallsBack()
    {
        // Streaming runs everywhere: the environment's choice is taken, with its widest kernel or the forced one.
        Assert.Equal(AttentionPath.Streaming, AttentionPaths.ChooseWith(null, AttentionKernel.Auto, AttentionPath.Streaming).Path);
        Assert.Equal((AttentionPath.Streaming, AttentionKernel.Scalar), AttentionPaths.ChooseWith(null, AttentionKernel.Scalar, AttentionPath.Streaming));
        Assert.Equal(AttentionPaths.ChooseWith(AttentionPath.Streaming, AttentionKernel.Auto, null), AttentionPaths.ChooseWith(null, AttentionKernel.Auto, AttentionPath.Streaming));

        // A kernel the environment's path does not run: refused, naming the variable; never the other path.
        var refused = Assert.Throws<PlatformNotSupportedException>(() => AttentionPaths.ChooseWith(null, AttentionKernel.Vector512, AttentionPath.Streaming));
        Assert.Equal("attention path Streaming (forced by SUBQUAD_ATTENTION_PATH) with kernel Vector512 cannot run: the Streaming path runs the Scalar or Vector256 kernel, not Vector512", refused.Message);
        if (Vector512.IsHardwareAccelerated)
        {
            // The engine's own option wins over the environment.
            Assert.Equal((AttentionPath.Tiled, AttentionKernel.Vector512), AttentionPaths.ChooseWith(AttentionPath.Tiled, AttentionKernel.Auto, AttentionPath.Streaming));
            Assert.Equal((AttentionPath.Tiled, AttentionKernel.Vector512), AttentionPaths.ChooseWith(null, AttentionKernel.Auto, AttentionPath.Tiled));
        }
        else
        {
            var tiled = Assert.Throws<PlatformNotSupportedException>(() => AttentionPaths.ChooseWith(null, AttentionKernel.Auto, AttentionPath.Tiled));
            Assert.Contains("forced by SUBQUAD_ATTENTION_PATH", tiled.Message, StringComparison.Ordinal);
            Assert.Contains("not hardware accelerated", tiled.Message, StringComparison.Ordinal);
        }
    }
}
