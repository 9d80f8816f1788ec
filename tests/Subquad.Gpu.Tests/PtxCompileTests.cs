using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Subquad.Gpu.Devices;

namespace Subquad.Gpu.Tests;

/// <summary>
/// The CUDA geometry of every kernel compiles to PTX for the H200 (sm_90) on any machine: ILGPU's PTX backend needs
/// no driver to generate code, so an intrinsic or construct the CUDA backend rejects fails here, not first on a device.
/// </summary>
public class PtxCompileTests
{
    public static TheoryData<string> Kernels() => new("DenseTile", "BinaryTile", "AttentionRows");

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_DeviceGeometry_CompilesToPtxForSm90(string name)
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null!);
        var method = typeof(GpuKernels).GetMethod(name)!.MakeGenericMethod(typeof(DeviceShape));
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization());
        Assert.Contains(".entry", compiled.PTXAssembly, StringComparison.Ordinal);
        Assert.Contains(".shared", compiled.PTXAssembly, StringComparison.Ordinal);
        if (name == "BinaryTile") Assert.True(compiled.PTXAssembly.Contains("popc.b64", StringComparison.Ordinal), compiled.PTXAssembly[..Math.Min(compiled.PTXAssembly.Length, 20000)]);
        if (name == "AttentionRows") Assert.Contains("ex2", compiled.PTXAssembly, StringComparison.Ordinal);
    }
}
