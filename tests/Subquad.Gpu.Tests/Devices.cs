using Subquad.Gpu.Devices;

namespace Subquad.Gpu.Tests;

/// <summary>
/// The devices tests run on. The CPU accelerator always (ILGPU's CPU accelerator runs the same kernels); CUDA when
/// SUBQUAD_GPU_TESTS=cuda asks for it (bench/gpu.sh sets it) and a device is found — otherwise CUDA tests skip and
/// say why.
/// </summary>
internal static class Devices
{
    private static readonly Lazy<GpuDevice> CpuDevice = new(GpuDevice.CpuAccelerator);
    private static readonly Lazy<(GpuDevice? Device, string Reason)> CudaDevice = new(() =>
    {
        var device = GpuDevice.TryCuda(out string reason);
        return (device, reason);
    });

    public static GpuDevice Cpu => CpuDevice.Value;

    /// <summary>The CUDA device, or skips the calling test with the reason it is missing.</summary>
    public static GpuDevice CudaOrSkip()
    {
        var (device, reason) = CudaDevice.Value;
        if (device is null) Assert.Skip($"CUDA tests skipped: {reason}");
        return device;
    }

    /// <summary>True when SUBQUAD_LONG_TESTS=1 asks for the big sweeps.</summary>
    public static bool Long => Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1";
}
