using Subquad.Gpu.Devices;

namespace Subquad.Cli.Tests;

/// <summary>--device on solve and transformer, and the GPU row of subquad info (issue 19).</summary>
public class DeviceOptionTests
{
    private static bool HasCuda()
    {
        using var device = GpuDevice.TryCuda(out _);
        return device is not null;
    }

    [Fact]
    public void Solve_DeviceGpuWithoutCuda_OneLineExit3()
    {
        if (HasCuda()) Assert.Skip("a CUDA device is present; this checks the machine without one");
        using var folder = new CliHarness.TempFolder();
        string file = folder.File("v.txt");
        File.WriteAllText(file, "1100\n0110\n0011\n");
        var result = CliHarness.Run("solve", file, "-p", "maxip", "--device", "gpu");
        Assert.Equal(3, result.Code);
        Assert.StartsWith("error: --device gpu: no", result.ErrorLine, StringComparison.Ordinal);
        Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Solve_DeviceCpuAndAuto_SameAnswerAsDefault()
    {
        using var folder = new CliHarness.TempFolder();
        string file = folder.File("v.txt");
        File.WriteAllText(file, "1100\n0110\n0011\n1001\n");
        // Without a CUDA device (or on a 4-row instance, far below auto's 2^30 pairs) both run the CPU engine.
        CliHarness.Ok("solve", file, "-p", "maxip", "--device", "cpu");
        CliHarness.Ok("solve", file, "-p", "maxip", "--device", "auto");
    }

    [Fact]
    public void Solve_UnknownDevice_UsageError()
    {
        using var folder = new CliHarness.TempFolder();
        string file = folder.File("v.txt");
        File.WriteAllText(file, "1100\n0110\n");
        var result = CliHarness.Run("solve", file, "-p", "maxip", "--device", "tpu");
        Assert.Equal(1, result.Code);
        Assert.Contains("--device tpu", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_ShowsGpuRow() => Assert.Contains("gpu (--device)", CliHarness.Ok("info").Out, StringComparison.Ordinal);
}
