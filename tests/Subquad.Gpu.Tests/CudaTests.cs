using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Gpu.Engine;

namespace Subquad.Gpu.Tests;

/// <summary>
/// The same checks on the CUDA device, at sizes that use the real 64-row tiles and several blocks. Without a CUDA
/// device each test skips with the reason (bench/gpu.sh runs them on the device).
/// </summary>
public class CudaTests
{
    [Fact]
    public void Cuda_RandomInstancesEveryProblem_MatchOracle()
    {
        var device = Devices.CudaOrSkip();
        var random = new Random(21);
        for (int c = 0; c < 40; c++)
        {
            var instance = Instances.Random(random, binary: c % 2 == 0, 700);
            var engine = new GpuEngine(device) { BlockRows = 64 * random.Next(1, 5), Capacity = random.Next(2) == 0 ? 1 : GpuEngine.DefaultCapacity, ResidentBudgetBytes = random.Next(2) == 0 ? 0 : 1L << 30 };
            foreach (var problem in Instances.Problems(random, instance).ToList())
            {
                Answer expected;
                try
                {
                    expected = BruteForce.Instance.Solve(instance, problem);
                }
                catch (InputException)
                {
                    continue;
                }

                var actual = engine.Solve(instance, problem, new SolveOptions { Pruning = random.Next(2) == 0 });
                Assert.True(expected == actual, $"case {c}, {problem}, n {instance.A.Count}x{instance.Right.Count}: oracle {expected}, cuda {actual}");
            }

            foreach (var kind in new[] { ProblemKind.MaxIp, ProblemKind.Lsd })
            {
                var top = BruteForce.TopPairs(instance, kind, 9);
                Assert.True(top.SequenceEqual(engine.TopPairs(instance, kind, 9)), $"case {c}, top-9 {kind}");
            }
        }
    }

    [Fact]
    public void Cuda_Attention_MatchesFloat64Reference() => GpuAttentionTests.Check(Devices.CudaOrSkip(), 20, 3000, 22);
}
