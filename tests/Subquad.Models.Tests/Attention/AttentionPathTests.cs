using System.Runtime.Intrinsics;
using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Attention;

/// <summary>The attention engine's paths: chosen once from the hardware, listed, forceable, never a silent fallback.</summary>
public sealed class AttentionPathTests
{
    [Fact]
    public void Automatic_DependsOnTheHardwareOnly()
    {
        var engine = new AttentionEngine();
        Assert.Equal(Vector512.IsHardwareAccelerated ? AttentionPath.Tiled : AttentionPath.Streaming, engine.Path);
        Assert.Equal(AttentionPaths.Automatic, engine.Path);
        Assert.Equal(AttentionPaths.Kernels(engine.Path).Last(k => AttentionPaths.Unsupported(engine.Path, k) is null), engine.Kernel);
    }

    [Fact]
    public void ForcingAKernelAlone_NeverChangesThePath()
    {
        // Scalar belongs to Streaming only: forced without a path on a Vector512 machine it is refused, not rerouted.
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
}
