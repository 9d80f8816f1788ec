using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Problems;
using Subquad.Lab.Duel;
using Subquad.Lab.Families;
using Subquad.Models.Alternatives;
using Subquad.Models.Attention;

namespace Subquad.Benchmarks;

/// <summary>
/// The block-sparse paths of the duel's sparse heuristics against their scalar per-query references, side by side in one
/// process on the same inputs: the OV construction (Thm 4.1, as the duel builds it) of one critical instance per n, every
/// rung of each kind's default ladder at the subquadratic cap (the budgets the duel runs). Old and new alternate per
/// rung (two warm-up calls, then best of 3 each, process CPU seconds: a busy machine slows both alike); the outputs are checked bitwise equal.
/// <c>dotnet run -c Release --project bench/Subquad.Benchmarks -- probe-sparse 4096 16384</c>.
/// </summary>
internal static class SparseProbe
{
    public static void Run(IReadOnlyList<int> sizes)
    {
        string cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?" : "?";
        Console.WriteLine($"CPU: {cpu}; Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}; load average at start: {LoadAverage()}");
        Console.WriteLine("kind,n,budget,reference_cpu_s,block_sparse_cpu_s,speedup,bitwise_equal");
        foreach (int n in sizes)
        {
            int l = new DuelExperiment().DimensionsFor(n, 2);
            var instance = new CriticalOvFamily().Generate(n, l, Problem.OrthogonalVectors, bichromatic: false, seed: n);
            var construction = DuelRunner.Construct(instance, Problem.OrthogonalVectors);
            int rows = construction.X.Rows, global = rows - construction.DocumentRows;
            var w0 = construction.Weights;
            double projection = double.MaxValue;
            for (int round = 0; round < 5; round++) projection = Math.Min(projection, Cpu(() => new Matrix(0, 0) is var _ ? AttentionAlgebra.Project(construction.X, w0).Q : null!).CpuSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# n={n}: rows {rows}, d_in {w0.InputWidth}, m {w0.EmbeddingDimension}, d_out {w0.OutputWidth}; the projections X Q, X K, X V (paid by both paths) {projection:F4} s CPU"));
            double totalOld = 0, totalNew = 0;
            foreach (string kind in new[] { "random-sparse", "window", "lsh", "alsh", "clustered" })
            {
                var spec = new MixerSpec { Kind = kind };
                var ladder = DuelContenders.AttentionLadder(spec, rows, construction.Weights, 1.5, out _);
                foreach (long budget in ladder)
                {
                    var mixer = DuelContenders.CreateAttention(spec, budget, rows, 12345, global);
                    Func<Matrix> reference = mixer switch
                    {
                        RandomSparseAttention r => () => r.ForwardReference(construction.X, construction.Weights),
                        SlidingWindowAttention w => () => w.ForwardReference(construction.X, construction.Weights),
                        SharedLshAttention s => () => s.ForwardReference(construction.X, construction.Weights),
                        ClusteredAttention c => () => c.ForwardReference(construction.X, construction.Weights),
                        _ => throw new InvalidOperationException(kind),
                    };
                    Func<Matrix> fast = () => mixer.Forward(construction.X, construction.Weights);
                    double bestOld = double.MaxValue, bestNew = double.MaxValue;
                    Matrix? a = null, b = null;
                    for (int round = 0; round < 5; round++)
                    {
                        if (round < 2)
                        {
                            // Warm-up: both paths past tiered JIT's first tiers (the duel calls each hundreds of times).
                            reference();
                            fast();
                            continue;
                        }


                        (a, double t0) = Cpu(reference);
                        (b, double t1) = Cpu(fast);
                        bestOld = Math.Min(bestOld, t0);
                        bestNew = Math.Min(bestNew, t1);
                    }

                    bool equal = a!.Data.AsSpan().SequenceEqual(b!.Data) && a.Data.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Data.Select(BitConverter.DoubleToInt64Bits));
                    totalOld += bestOld;
                    totalNew += bestNew;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind},{n},{budget},{bestOld:F4},{bestNew:F4},{bestOld / bestNew:F1},{equal.ToString().ToLowerInvariant()}"));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all rungs,{n},,{totalOld:F3},{totalNew:F3},{totalOld / totalNew:F1},"));
        }

        Console.WriteLine($"load average at end: {LoadAverage()}");
    }

    private static (Matrix Output, double CpuSeconds) Cpu(Func<Matrix> run)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        var output = run();
        process.Refresh();
        return (output, (process.TotalProcessorTime - before).TotalSeconds);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
