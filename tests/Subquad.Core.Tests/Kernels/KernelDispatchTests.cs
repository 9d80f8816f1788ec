using Subquad.Core.Kernels;

namespace Subquad.Core.Tests.Kernels;

public class KernelDispatchTests
{
    [Fact]
    public void Supported_AlwaysHasScalar_AndBestIsSupported()
    {
        Assert.Contains(KernelVariant.Scalar, KernelDispatch.Supported);
        if (KernelDispatch.ForcedName is null) Assert.Equal(KernelDispatch.Supported.Max(), KernelDispatch.Best);
        Assert.True(KernelDispatch.IsSupported(KernelDispatch.Best));
    }

    [Fact]
    public void Require_UnknownOrUnsupportedVariant_ThrowsPlatformNotSupported()
    {
        Assert.Throws<PlatformNotSupportedException>(() => KernelDispatch.Require((KernelVariant)99));
        foreach (var variant in KernelDispatch.All.Where(v => !KernelDispatch.IsSupported(v)))
        {
            var ex = Assert.Throws<PlatformNotSupportedException>(() => KernelDispatch.Require(variant));
            Assert.Contains(variant.ToString(), ex.Message);
        }
    }

    [Fact]
    public void Choose_ForcedVariable_ForcesOrThrows()
    {
        Assert.Equal(KernelDispatch.Supported.Max(), KernelDispatch.Choose(null));
        Assert.Equal(KernelVariant.Scalar, KernelDispatch.Choose("Scalar"));
        foreach (var variant in KernelDispatch.Supported) Assert.Equal(variant, KernelDispatch.Choose(variant.ToString().ToLowerInvariant()));
        var unknown = Assert.Throws<PlatformNotSupportedException>(() => KernelDispatch.Choose("Avx512Popcnt"));
        Assert.Contains("SUBQUAD_KERNEL=Avx512Popcnt", unknown.Message);
        foreach (var variant in KernelDispatch.All.Where(v => !KernelDispatch.IsSupported(v)))
        {
            Assert.Throws<PlatformNotSupportedException>(() => KernelDispatch.Choose(variant.ToString()));
        }
    }

    [Theory]
    [InlineData("scalar", KernelVariant.Scalar)]
    [InlineData("Vector512", KernelVariant.Vector512)]
    [InlineData(" vector128 ", KernelVariant.Vector128)]
    public void TryParse_KnownNames(string text, KernelVariant expected)
    {
        Assert.True(KernelDispatch.TryParse(text, out var variant));
        Assert.Equal(expected, variant);
    }

    [Theory]
    [InlineData("avx9")]
    [InlineData("7")]
    [InlineData("3")] // a defined value's number is not its name
    [InlineData("")]
    public void TryParse_UnknownNames_Fail(string text) => Assert.False(KernelDispatch.TryParse(text, out _));
}
