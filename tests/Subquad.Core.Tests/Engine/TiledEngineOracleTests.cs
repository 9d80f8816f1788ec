using Subquad.Core.Engine;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Core.Tests.Engine;

/// <summary>The engine returns exactly the oracle's answer: same pair, same tie-break, same score, on every path.</summary>
public class TiledEngineOracleTests
{
    private static SimilarityInstance RandomInstance(Random random, bool binary, int maxN)
    {
        int n = 2 + (int)((maxN - 2) * Math.Pow(random.NextDouble(), 3));
        bool bichromatic = random.Next(3) == 0;
        if (binary)
        {
            int l = random.Next(4) == 0 ? random.Next(1, 701) : random.Next(1, 140);
            double density = random.Next(4) switch { 0 => 0.01, 1 => 0.9, _ => 0.01 + 0.89 * random.NextDouble() };
            bool nonZero = random.Next(4) != 0;
            var a = EngineInstances.Binary(random, n, l, density, nonZero);
            return bichromatic
                ? SimilarityInstance.Bichromatic(a, EngineInstances.Binary(random, 1 + random.Next(n), l, density, nonZero))
                : SimilarityInstance.Monochromatic(a);
        }

        int d = random.Next(4) == 0 ? random.Next(1, 300) : random.Next(1, 40);
        var x = EngineInstances.Dense(random, n, d);
        return bichromatic
            ? SimilarityInstance.Bichromatic(x, EngineInstances.Dense(random, 1 + random.Next(n), d))
            : SimilarityInstance.Monochromatic(x);
    }

    private static Answer? Oracle(SimilarityInstance instance, Problem problem)
    {
        try
        {
            return BruteForce.Instance.Solve(instance, problem);
        }
        catch (InputException)
        {
            return null; // zero rows under cosine: the engine must reject the same way
        }
    }

    /// <summary>
    /// The engine's list equals the oracle's, or both reject the input with <see cref="InputException"/> (zero rows
    /// under cosine); an engine that throws where the oracle answers fails the test.
    /// </summary>
    private static void AssertSameList<T>(Func<IReadOnlyList<T>> oracle, Func<IReadOnlyList<T>> engine)
    {
        IReadOnlyList<T> expected;
        try
        {
            expected = oracle();
        }
        catch (InputException)
        {
            Assert.Throws<InputException>(() => engine());
            return;
        }

        Assert.Equal(expected, engine());
    }

    private static void CheckRandomInstances(bool binary, int count, int seed)
    {
        var random = new Random(seed);
        for (int c = 0; c < count; c++)
        {
            var instance = RandomInstance(random, binary, EngineInstances.Long ? 300 : 160);
            foreach (var problem in EngineInstances.Problems(random, instance).ToList())
            {
                var expected = Oracle(instance, problem);
                var (engine, options) = EngineInstances.Configuration(random, instance);
                if (expected is null)
                {
                    Assert.Throws<InputException>(() => engine.Solve(instance, problem, options));
                    continue;
                }

                var actual = engine.Solve(instance, problem, options);
                Assert.True(expected == actual, $"instance {c} (seed {seed}), {problem}, {engine.Variant}, path {engine.ForcedPath?.ToString() ?? "auto"}, threads {options.Threads}, pruning {options.Pruning}, n {instance.A.Count}x{instance.Right.Count}, l {instance.Dimensions}: oracle {expected}, engine {actual}");
            }
        }
    }

    [Fact]
    public void Solve_ThousandsOfRandomBinaryInstances_MatchOracle() => CheckRandomInstances(binary: true, EngineInstances.Long ? 6000 : 1200, 1);

    [Fact]
    public void Solve_RandomDenseInstancesWithPlantedNearTies_MatchOracle() => CheckRandomInstances(binary: false, EngineInstances.Long ? 4000 : 800, 2);

    public static TheoryData<KernelVariant> Variants() => new(KernelDispatch.All);

    /// <summary>
    /// Every variant with every path it can run (and the engine's own choice, which is the same path for every variant:
    /// a variant that cannot run it fails with <see cref="PlatformNotSupportedException"/>, never runs another path),
    /// each with 1 and 3 threads, with and without pruning: all equal to the oracle.
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Solve_EveryVariantPathThreadCountAndPruning_MatchOracle(KernelVariant variant)
    {
        if (!KernelDispatch.IsSupported(variant)) Assert.Skip($"{variant} needs {KernelDispatch.MissingInstructions(variant)}, which this CPU lacks");
        var random = new Random(100 + (int)variant);
        for (int c = 0; c < 40; c++)
        {
            var instance = RandomInstance(random, binary: c % 2 == 0, maxN: 200);
            var paths = EngineInstances.PathsToTry(variant, instance, 32);
            var automatic = EngineInstances.AutomaticPath(instance, 32);
            if (paths.Count == 0 || paths[0] is not null)
            {
                var refused = Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(variant, 32).PathFor(instance));
                Assert.Contains($"engine path {automatic}", refused.Message, StringComparison.Ordinal);
                Assert.Contains(variant.ToString(), refused.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(automatic, new TiledEngine(variant, 32).PathFor(instance));
            }

            foreach (var problem in EngineInstances.Problems(random, instance).ToList())
            {
                var expected = Oracle(instance, problem);
                if (expected is null)
                {
                    foreach (var path in paths) Assert.Throws<InputException>(() => new TiledEngine(variant, 32, path).Solve(instance, problem));
                    continue;
                }

                foreach (var path in paths)
                {
                    var engine = new TiledEngine(variant, 32, path);
                    foreach (int threads in new[] { 1, 3 })
                    {
                        foreach (bool pruning in new[] { true, false })
                        {
                            var actual = engine.Solve(instance, problem, new SolveOptions { Threads = threads, Pruning = pruning });
                            Assert.True(expected == actual, $"{variant}, path {path?.ToString() ?? "auto"}, threads {threads}, pruning {pruning}, {problem}, case {c}: oracle {expected}, engine {actual}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Solve_LargeBlocksAndManyTasks_MatchOracle()
    {
        // n above one default block, so the default block size, band scheduling and pruning across tasks all run.
        var random = new Random(7);
        foreach (bool binary in new[] { true, false })
        {
            var instance = binary
                ? SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 1100, 100, 0.1, true))
                : SimilarityInstance.Monochromatic(EngineInstances.Dense(random, 700, 24));
            foreach (var problem in EngineInstances.Problems(random, instance).ToList())
            {
                var expected = BruteForce.Instance.Solve(instance, problem);
                Assert.Equal(expected, TiledEngine.Default.Solve(instance, problem, new SolveOptions { Threads = 2 }));
            }
        }
    }

    /// <summary>
    /// The bit-sliced path (sparse rows of 256..1,100 bits on the VBMI variant): mono and bichromatic, every kind in
    /// exact, gamma and threshold form, the top-K list and the threshold join, with weights from empty rows to rows
    /// far denser than the rest (a block's lightest and heaviest rows set the cosine thresholds).
    /// </summary>
    [Fact]
    public void Solve_BitSlicedSparseRows_MatchOracle()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Avx512VbmiPermute)) Assert.Skip("the bit-sliced path needs AVX-512 VBMI, which this CPU lacks");
        var random = new Random(67);
        // The default run keeps a fast slice (24 instances; the full sweep took 42 s) and SUBQUAD_LONG_TESTS=1 runs 400.
        int instances = EngineInstances.Long ? 400 : 24;
        for (int c = 0; c < instances; c++)
        {
            int n = random.Next(2, 700), l = random.Next(256, 1101);
            double density = random.Next(3) switch { 0 => 0.005, 1 => 0.03, _ => 0.08 };
            var a = SparseWithHeavyRows(random, n, l, density);
            var instance = random.Next(3) == 0
                ? SimilarityInstance.Bichromatic(a, SparseWithHeavyRows(random, random.Next(1, 600), l, density))
                : SimilarityInstance.Monochromatic(a);
            // SlicedCopyBudget 0: each task's block transposed by its worker instead of the one-off copy.
            var engine = new TiledEngine(KernelVariant.Avx512VbmiPermute, random.Next(3) == 0 ? null : 32 * random.Next(1, 17))
            {
                SlicedCopyBudget = c % 2 == 0 ? 0 : EngineContext.SlicedCopyBudgetBytes,
            };
            var options = new SolveOptions { Threads = random.Next(1, 3), Pruning = random.Next(2) == 0 };
            foreach (var problem in EngineInstances.Problems(random, instance).ToList())
            {
                var expected = Oracle(instance, problem);
                if (expected is null)
                {
                    Assert.Throws<InputException>(() => engine.Solve(instance, problem, options));
                    continue;
                }

                Assert.Equal(expected, engine.Solve(instance, problem, options));
                if (problem.IsDecision && c % 4 == 0)
                {
                    var joined = new List<Answer>();
                    engine.PairsMeeting(instance, problem, x => { joined.Add(x); return true; }, options);
                    Assert.Equal(BruteForce.PairsMeeting(instance, problem), joined);
                }
            }

            var kinds = Enum.GetValues<ProblemKind>();
            var kind = kinds[random.Next(kinds.Length)];
            AssertSameList(() => BruteForce.TopPairs(instance, kind, 9), () => engine.TopPairs(instance, kind, 9, options));
        }
    }

    /// <summary>Sparse rows (the oracle suites' duplicates, subsets and disjoint rows) with one in 25 rows at density 0.5.</summary>
    private static Subquad.Core.Vectors.BinaryVectors SparseWithHeavyRows(Random random, int n, int l, double density)
    {
        var sparse = EngineInstances.Binary(random, n, l, density, nonZero: random.Next(3) != 0);
        var builder = new Subquad.Core.Vectors.BinaryVectors.Builder(n, l);
        for (int i = 0; i < n; i++)
        {
            bool heavy = random.Next(25) == 0;
            for (int k = 0; k < l; k++)
            {
                bool bit = heavy ? random.Next(2) == 0 : ((sparse.Row(i)[k / 64] >> (k % 64)) & 1) != 0;
                if (bit) builder.Set(i, k);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// The dense int8 screen (the VBMI variant where AVX-VNNI exists) on rows it handles worst: rows scaled by factors
    /// from 2^-70 to 2^70 (outside [2^-50, 2^50] a task falls back to float32), one-spike rows that quantize coarsely,
    /// and near-duplicates; every problem kind, exact, gamma and threshold, and the top-K list, equal to the oracle.
    /// </summary>
    [Fact]
    public void Solve_Int8ScreenOnScaledSpikyAndOutOfRangeRows_MatchesOracle()
    {
        if (!DenseInnerProducts.UsesInt8Screen(KernelVariant.Avx512VbmiPermute, 8)) Assert.Skip("the int8 screen needs AVX-512 VBMI and AVX-VNNI, which this CPU lacks");
        var random = new Random(61);
        int instances = EngineInstances.Long ? 600 : 150;
        for (int c = 0; c < instances; c++)
        {
            int n = random.Next(2, 130), d = random.Next(1, 120);
            var builder = new Subquad.Core.Vectors.DenseVectors.Builder(n, d);
            int exponentRange = random.Next(3) switch { 0 => 0, 1 => 20, _ => 70 };
            for (int i = 0; i < n; i++)
            {
                var row = builder.RowSpan(i);
                if (i > 0 && random.Next(4) == 0)
                {
                    builder.RowSpan(random.Next(i)).CopyTo(row);
                    int k = random.Next(d);
                    row[k] = MathF.BitIncrement(row[k]);
                    continue;
                }

                float scale = MathF.ScaleB(1f, random.Next(-exponentRange, exponentRange + 1));
                for (int k = 0; k < d; k++) row[k] = scale * (float)(random.NextDouble() * 2 - 1);
                if (random.Next(3) == 0) row[random.Next(d)] = scale * 300f; // a spike
                row[random.Next(d)] += scale; // never the zero row
            }

            var instance = SimilarityInstance.Monochromatic(builder.Build());
            var engine = new TiledEngine(KernelVariant.Avx512VbmiPermute, 32 * random.Next(1, 3)) { Int8CopyBudget = c % 2 == 0 ? 0 : QuantizedRows.BudgetBytes };
            var options = new SolveOptions { Threads = random.Next(1, 3), Pruning = random.Next(2) == 0 };
            foreach (var problem in EngineInstances.Problems(random, instance).ToList())
            {
                var expected = Oracle(instance, problem);
                if (expected is null)
                {
                    Assert.Throws<InputException>(() => engine.Solve(instance, problem, options));
                    continue;
                }

                Assert.Equal(expected, engine.Solve(instance, problem, options));
            }

            var kind = Enum.GetValues<ProblemKind>()[random.Next(4)];
            Assert.Equal(BruteForce.TopPairs(instance, kind, 7), engine.TopPairs(instance, kind, 7, options));
        }
    }

    [Fact]
    public void TopPairs_RandomInstances_MatchOracleList()
    {
        var random = new Random(3);
        for (int c = 0; c < 150; c++)
        {
            var instance = RandomInstance(random, binary: c % 3 != 0, maxN: 90);
            var kinds = Enum.GetValues<ProblemKind>();
            var kind = kinds[random.Next(kinds.Length)];
            if (kind.NeedsBinary() && !instance.IsBinary) kind = ProblemKind.MinIp;
            int k = random.Next(0, 25);
            var (engine, options) = EngineInstances.Configuration(random, instance);
            AssertSameList(() => BruteForce.TopPairs(instance, kind, k), () => engine.TopPairs(instance, kind, k, options));
        }
    }

    [Fact]
    public void PairsMeeting_SpilledToDisk_DeliversTheOraclePairsInOrder()
    {
        // Issue 17: with a cap of a few hundred hits, most tasks' sorted runs go to the spill file and come back in
        // chunks; the merge must give exactly the oracle's pairs in (i, j) order, binary and dense, mono and bi.
        var random = new Random(17);
        for (int c = 0; c < 40; c++)
        {
            var instance = RandomInstance(random, binary: c % 2 == 0, maxN: 300);
            var problem = EngineInstances.Problems(random, instance).Where(p => p.IsDecision).ToList() is var decisions && decisions.Count > 0
                ? decisions[random.Next(decisions.Count)]
                : null;
            if (problem is null) continue;
            IReadOnlyList<Answer> expected;
            try
            {
                expected = BruteForce.PairsMeeting(instance, problem);
            }
            catch (InputException)
            {
                continue;
            }

            var engine = new TiledEngine(blockRows: 32) { JoinHeldCap = random.Next(1, 400) };
            var actual = new List<Answer>();
            long delivered = engine.PairsMeeting(instance, problem, a => { actual.Add(a); return true; });
            Assert.Equal(expected.Count, delivered);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void PairsMeeting_RandomInstances_DeliverOraclePairSetInOrder()
    {
        var random = new Random(4);
        for (int c = 0; c < 150; c++)
        {
            var instance = RandomInstance(random, binary: c % 3 != 0, maxN: 120);
            var problem = EngineInstances.Problems(random, instance).Where(p => p.IsDecision).ToList() is var decisions && decisions.Count > 0
                ? decisions[random.Next(decisions.Count)]
                : null;
            if (problem is null) continue;
            var (engine, options) = EngineInstances.Configuration(random, instance);
            IReadOnlyList<Answer> expected;
            try
            {
                expected = BruteForce.PairsMeeting(instance, problem);
            }
            catch (InputException)
            {
                Assert.Throws<InputException>(() => engine.PairsMeeting(instance, problem, _ => true, options));
                continue;
            }

            var actual = new List<Answer>();
            long delivered = engine.PairsMeeting(instance, problem, a => { actual.Add(a); return true; }, options);
            Assert.Equal(expected.Count, delivered);
            Assert.Equal(expected, actual);

            // Stopping early delivers exactly the oracle's prefix.
            int limit = random.Next(0, 5);
            var prefix = new List<Answer>();
            engine.PairsMeeting(instance, problem, a => { prefix.Add(a); return prefix.Count < limit; }, options);
            Assert.Equal(expected.Take(Math.Max(1, limit)).ToList(), prefix.Take(Math.Max(1, limit)).ToList());
            Assert.Equal(Math.Min(expected.Count, Math.Max(1, limit)), prefix.Count);
        }
    }

    [Fact]
    public void ExactSolvers_RouteToTheEngine_AndMatchOracle()
    {
        var random = new Random(5);
        var instance = SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 150, 300, 0.1, true));
        Assert.Equal("engine", ExactSolvers.Default.Name);
        foreach (var problem in EngineInstances.Problems(random, instance).ToList())
        {
            Assert.Equal(BruteForce.Instance.Solve(instance, problem), ExactSolvers.Solve(instance, problem));
        }

        Assert.Equal(BruteForce.TopPairs(instance, ProblemKind.Msd, 7), ExactSolvers.TopPairs(instance, ProblemKind.Msd, 7));
        var t = Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(5));
        var pairs = new List<Answer>();
        ExactSolvers.PairsMeeting(instance, t, a => { pairs.Add(a); return true; });
        Assert.Equal(BruteForce.PairsMeeting(instance, t), pairs);
    }
}
