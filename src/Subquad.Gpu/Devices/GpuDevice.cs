using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Subquad.Gpu.Devices;

/// <summary>
/// One ILGPU accelerator the GPU engine and attention run on: a CUDA device (the real thing) or ILGPU's CPU
/// accelerator (the same kernels interpreted on the host: how every kernel is tested on machines without a GPU).
/// </summary>
/// <remarks>
/// Device work of all host workers is serialised by <see cref="Gate"/> (one kernel at a time; tiles are large enough
/// to fill the device), while their float64 re-scoring of candidates runs concurrently on the host.
/// </remarks>
public sealed class GpuDevice : IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;

    private GpuDevice(Context context, Accelerator accelerator, GpuDeviceKind kind)
    {
        _context = context;
        _accelerator = accelerator;
        Kind = kind;
        Kernels = new GpuKernels(accelerator, emulated: kind == GpuDeviceKind.CpuAccelerator);
    }

    /// <summary>CUDA or the CPU accelerator.</summary>
    public GpuDeviceKind Kind { get; }

    /// <summary>The device's name as the driver reports it.</summary>
    public string Name => _accelerator.Name;

    /// <summary>Device memory in bytes.</summary>
    public long MemoryBytes => _accelerator.MemorySize;

    /// <summary>The ILGPU accelerator.</summary>
    internal Accelerator Accelerator => _accelerator;

    /// <summary>The loaded kernels.</summary>
    internal GpuKernels Kernels { get; }

    /// <summary>Held while one worker's kernel and its transfers run.</summary>
    internal object Gate { get; } = new();

    /// <summary>A one-line description for reports ("cuda: NVIDIA H200, 139.8 GiB").</summary>
    public string Description => $"{(Kind == GpuDeviceKind.Cuda ? "cuda" : "ilgpu-cpu")}: {Name}, {MemoryBytes / (double)(1L << 30):F1} GiB";

    /// <summary>
    /// The first CUDA device, or null with the reason none is usable (no driver, no device, ILGPU could not load it).
    /// Never throws: a missing GPU is an expected state.
    /// </summary>
    public static GpuDevice? TryCuda(out string reason)
    {
        Context? context = null;
        try
        {
            context = Context.Create(builder => builder.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                reason = "no CUDA device found (no NVIDIA driver, or it reports no device)";
                context.Dispose();
                return null;
            }

            var accelerator = devices[0].CreateCudaAccelerator(context);
            reason = "";
            return new GpuDevice(context, accelerator, GpuDeviceKind.Cuda);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = $"no usable CUDA device: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
            context?.Dispose();
            return null;
        }
    }

    /// <summary>ILGPU's CPU accelerator: the kernels run as ordinary .NET code with emulated groups (tests, dry runs).</summary>
    public static GpuDevice CpuAccelerator()
    {
        // 2 threads per warp x 2 warps: groups of 4 host threads (the kernels' emulation geometry, GpuKernels), two
        // groups at a time.
        var device = new CPUDevice(2, 2, 2);
        var context = Context.Create(builder => builder.CPU(device).EnableAlgorithms().Optimize(OptimizationLevel.O1));
        var accelerator = context.GetCPUDevice(0).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        return new GpuDevice(context, accelerator, GpuDeviceKind.CpuAccelerator);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _accelerator.Dispose();
        _context.Dispose();
    }
}

/// <summary>Which accelerator a <see cref="GpuDevice"/> is.</summary>
public enum GpuDeviceKind
{
    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend (needs only the driver).</summary>
    Cuda,

    /// <summary>ILGPU's CPU accelerator (the same kernels, interpreted on the host).</summary>
    CpuAccelerator,
}
