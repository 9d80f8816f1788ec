using Subquad.Core;
using Subquad.Core.Engine;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Gpu.Engine;

namespace Subquad.Gpu.Tests;

/// <summary>
/// The GPU engine's kernels on ILGPU's CPU accelerator return exactly the oracle's (and the CPU engine's) answers:
/// every kind, mono- and bichromatic, exact, gamma, threshold, OV, top-k and all-pairs joins, with small blocks
/// (ragged tiles: blocks of 32..96 rows against 64-row device tiles), tiny hit buffers (the device-side tightening and
/// the row splitting run), rows resident on the device or streamed from the host.
/// </summary>
public class GpuEngineOracleTests
{
    private static GpuEngine RandomEngine(Random random) => new(Devices.Cpu)
    {
        BlockRows = 32 * random.Next(1, 4),
        Capacity = random.Next(2) == 0 ? 1 : GpuEngine.DefaultCapacity,
        ResidentBudgetBytes = random.Next(2) == 0 ? 0 : 1L << 30,
    };

    private static Answer? Oracle(SimilarityInstance instance, Problem problem)
    {
        try
        {
            return BruteForce.Instance.Solve(instance, problem);
        }
        catch (InputException)
        {
            return null;
        }
    }

    private static void CheckRandom(bool binary, int count, int seed)
    {
        var random = new Random(seed);
        for (int c = 0; c < count; c++)
        {
            var instance = Instances.Random(random, binary, Devices.Long ? 200 : 48);
            var engine = RandomEngine(random);
            var options = new SolveOptions { Threads = random.Next(1, 3), Pruning = random.Next(2) == 0 };
            foreach (var problem in Instances.Problems(random, instance).ToList())
            {
                var expected = Oracle(instance, problem);
                if (expected is null)
                {
                    Assert.Throws<InputException>(() => engine.Solve(instance, problem, options));
                    continue;
                }

                var actual = engine.Solve(instance, problem, options);
                string where = $"case {c} (seed {seed}), {problem}, n {instance.A.Count}x{instance.Right.Count}, dim {instance.Dimensions}, block {engine.BlockRows}, capacity {engine.Capacity}, resident {engine.LastSolveResident}";
                Assert.True(expected == actual, $"{where}: oracle {expected}, gpu {actual}");
                var cpu = TiledEngine.Default.Solve(instance, problem, options);
                Assert.True(cpu == actual, $"{where}: cpu engine {cpu}, gpu {actual}");
            }
        }
    }

    [Fact]
    public void Solve_RandomBinaryInstances_MatchOracleAndCpuEngine() => CheckRandom(binary: true, Devices.Long ? 300 : 30, 1);

    [Fact]
    public void Solve_RandomDenseInstancesWithPlantedNearTies_MatchOracleAndCpuEngine() => CheckRandom(binary: false, Devices.Long ? 300 : 30, 2);

    /// <summary>The Hamming kinds are refused by name on every entry point (never run on the CPU instead).</summary>
    [Fact]
    public void HammingKinds_AreRefusedNotRunOnTheCpu()
    {
        var instance = SimilarityInstance.Monochromatic(Subquad.Core.Tests.Engine.EngineInstances.Binary(new Random(8), 10, 20, 0.5, nonZero: false));
        var engine = RandomEngine(new Random(8));
        foreach (var kind in new[] { ProblemKind.MinHamming, ProblemKind.MaxHamming })
        {
            var solve = Assert.Throws<PlatformNotSupportedException>(() => engine.Solve(instance, Problem.Exact(kind)));
            Assert.Contains(kind.PaperName(), solve.Message, StringComparison.Ordinal);
            Assert.Throws<PlatformNotSupportedException>(() => engine.TopPairs(instance, kind, 3));
            Assert.Throws<PlatformNotSupportedException>(() => engine.PairsMeeting(instance, Problem.WithThreshold(kind, Rational.FromInteger(4)), _ => true));
        }
    }

    [Fact]
    public void TopPairs_EveryKind_MatchOracle()
    {
        var random = new Random(3);
        for (int c = 0; c < (Devices.Long ? 60 : 12); c++)
        {
            var instance = Instances.Random(random, binary: c % 2 == 0, 48);
            var engine = RandomEngine(random);
            foreach (var kind in Enum.GetValues<ProblemKind>())
            {
                if ((kind == ProblemKind.Ov && !instance.IsBinary) || kind.IsHamming()) continue;
                int k = new[] { 0, 1, 3, 17 }[random.Next(4)];
                IReadOnlyList<Answer> expected;
                try
                {
                    expected = BruteForce.TopPairs(instance, kind, k);
                }
                catch (InputException)
                {
                    continue;
                }

                var actual = engine.TopPairs(instance, kind, k, new SolveOptions { Threads = 2 });
                Assert.True(expected.SequenceEqual(actual), $"case {c}, {kind}, k {k}, n {instance.A.Count}x{instance.Right.Count}, block {engine.BlockRows}, capacity {engine.Capacity}: oracle [{string.Join(", ", expected)}], gpu [{string.Join(", ", actual)}]");
            }
        }
    }

    [Fact]
    public void PairsMeeting_EveryThresholdKindAndOv_MatchOracleInOrder()
    {
        var random = new Random(4);
        for (int c = 0; c < (Devices.Long ? 60 : 14); c++)
        {
            var instance = Instances.Random(random, binary: c % 2 == 0, 48);
            var engine = RandomEngine(random);
            foreach (var problem in Instances.Problems(random, instance).Where(p => p.IsDecision).ToList())
            {
                IReadOnlyList<Answer> expected;
                try
                {
                    expected = BruteForce.PairsMeeting(instance, problem);
                }
                catch (InputException)
                {
                    continue;
                }

                var actual = new List<Answer>();
                long delivered = engine.PairsMeeting(instance, problem, a => { actual.Add(a); return true; });
                Assert.Equal(expected.Count, delivered);
                Assert.True(expected.SequenceEqual(actual), $"case {c}, {problem}: oracle {expected.Count} pairs, gpu {actual.Count}");
            }
        }
    }

    [Fact]
    public void Solve_ThresholdOnAndOneUlpBesideAchievableScores_MatchOracle()
    {
        // Cosine thresholds on the best (and the worst) achievable float64 score and one ulp either side; inner-product
        // thresholds (integers) on an integer-valued best score and one either side.
        var random = new Random(5);
        for (int c = 0; c < 4; c++)
        {
            var instance = SimilarityInstance.Monochromatic(Subquad.Core.Tests.Engine.EngineInstances.Dense(random, 40, 1 + random.Next(40)));
            var engine = RandomEngine(random);
            foreach (var kind in Enum.GetValues<ProblemKind>().Where(k => k != ProblemKind.Ov && !k.NeedsBinary()))
            {
                double best = BruteForce.Instance.Solve(instance, Problem.Exact(kind)).Score.Value;
                var thresholds = kind.IsCosine()
                    ? new[] { best, Math.BitIncrement(best), Math.BitDecrement(best) }.Where(t => t >= 0 && t <= 1).Select(Rational.FromDouble)
                    : best == Math.Floor(best) ? new[] { best, best + 1, best - 1 }.Where(t => t >= 0).Select(t => Rational.FromInteger((long)t)) : [];
                foreach (var t in thresholds)
                {
                    var problem = Problem.WithThreshold(kind, t);
                    var expected = BruteForce.Instance.Solve(instance, problem);
                    Assert.Equal(expected, engine.Solve(instance, problem));
                }
            }
        }
    }

    [Fact]
    public void Solve_TwoRowsZeroRowsAndAllTies_MatchOracle()
    {
        var engine = new GpuEngine(Devices.Cpu) { BlockRows = 32, Capacity = 1 };
        var two = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "0110"));
        var zeros = SimilarityInstance.Monochromatic(BinaryVectors.Parse("0000", "1010", "0000", "0101", "1111"));
        var ties = SimilarityInstance.Monochromatic(BinaryVectors.Parse(Enumerable.Repeat("10110", 40).ToArray()));
        var denseTies = SimilarityInstance.Monochromatic(DenseVectors.FromRows(Enumerable.Repeat(new[] { 1f, -2f, 0.5f }, 37).ToList()));
        var denseZero = SimilarityInstance.Monochromatic(DenseVectors.FromRows([[0f, 0f], [1f, 2f], [3f, -1f]]));
        foreach (var instance in new[] { two, zeros, ties, denseTies, denseZero })
        {
            foreach (var problem in Instances.Problems(new Random(6), instance).ToList())
            {
                var expected = Oracle(instance, problem);
                if (expected is null)
                {
                    Assert.Throws<InputException>(() => engine.Solve(instance, problem));
                    continue;
                }

                Assert.Equal(expected, engine.Solve(instance, problem));
            }
        }
    }

    [Fact]
    public void Solve_StreamedAndResidentRows_BothRunAndAgree()
    {
        var random = new Random(8);
        var instance = SimilarityInstance.Monochromatic(Subquad.Core.Tests.Engine.EngineInstances.Dense(random, 70, 33));
        var streamed = new GpuEngine(Devices.Cpu) { BlockRows = 64, ResidentBudgetBytes = 0 };
        var resident = new GpuEngine(Devices.Cpu) { BlockRows = 64 };
        var problem = Problem.Exact(ProblemKind.Msd);
        var expected = BruteForce.Instance.Solve(instance, problem);
        Assert.Equal(expected, streamed.Solve(instance, problem));
        Assert.False(streamed.LastSolveResident);
        Assert.Equal(expected, resident.Solve(instance, problem));
        Assert.True(resident.LastSolveResident);
    }
}
