using BenchmarkDotNet.Running;

namespace Subquad.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/Subquad.Benchmarks -- --filter '*'</c>;
/// <c>-- gpu STEP ...</c> runs one step of bench/gpu.sh (<see cref="GpuBench"/>); <c>-- probe</c> runs the quick single-thread kernel probe instead (<c>-- probe-packed</c>: binary strips, <c>-- probe-quant</c>: the int8 quantizer, <c>-- probe-sparse N...</c>: the sparse heuristics' block-sparse paths against their references).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["probe"])
        {
            KernelProbe.Run();
            return;
        }

        if (args is ["probe-quant"])
        {
            QuantProbe.Run();
            return;
        }

        if (args is ["probe-self-suppression", ..])
        {
            int Arg(int k, int fallback) => args.Length > k ? int.Parse(args[k], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            SelfSuppressionScaling.Run(Arg(1, 15), Arg(2, 13), minLog: Arg(3, 10), largeRepetitions: Arg(4, 1));
            return;
        }

        if (args is ["probe-sparse", ..])
        {
            SparseProbe.Run(args.Length > 1 ? args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [4096, 16384]);
            return;
        }

        if (args is ["probe-packed"])
        {
            KernelProbe.RunPacked();
            return;
        }

        if (args is ["gpu", ..])
        {
            Environment.ExitCode = GpuBench.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
