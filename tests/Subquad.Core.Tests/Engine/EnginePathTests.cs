using CsCheck;
using Subquad.Core.Engine;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Engine;

/// <summary>
/// The engine paths as named units: each is chosen by the documented rule, can be forced, fails when forced where it
/// cannot run, and returns exactly the oracle's answer on inputs CsCheck builds (and shrinks) itself.
/// </summary>
public class EnginePathTests
{
    /// <summary>
    /// Binary rows built by the generator: a pool of rows as sets of bit positions, each row a fresh one or a copy of
    /// an earlier pool row (exact ties), lengths around the one-word, 256-bit and bit-sliced edges.
    /// </summary>
    private static readonly Gen<BinaryVectors> BinaryRows =
        from l in Gen.OneOf(Gen.Int[1, 70], Gen.Int[250, 270], Gen.Int[500, 700])
        from n in Gen.Int[2, 90]
        from maxOnes in Gen.OneOf(Gen.Int[0, 3], Gen.Int[0, Math.Max(1, l / 12)], Gen.Int[0, l])
        from rows in Gen.Int[0, l - 1].Array[0, maxOnes].Array[n]
        from copies in Gen.Int[0, 3].Array[n]
        select Build(rows, copies, l);

    private static BinaryVectors Build(int[][] rows, int[] copies, int l)
    {
        var builder = new BinaryVectors.Builder(rows.Length, l);
        for (int i = 0; i < rows.Length; i++)
        {
            // copies[i] == 0 and i > 0: row i repeats row i / 2 (a duplicate, so ties and equal weights are common).
            var source = copies[i] == 0 && i > 0 ? rows[i / 2] : rows[i];
            foreach (int k in source) builder.Set(i, k);
        }

        return builder.Build();
    }

    private static readonly Gen<SimilarityInstance> Instances =
        from a in BinaryRows
        from bichromatic in Gen.Int[0, 2]
        from b in BinaryRows
        select bichromatic == 0 && b.Dimensions == a.Dimensions
            ? SimilarityInstance.Bichromatic(a, b)
            : SimilarityInstance.Monochromatic(a);

    /// <summary>
    /// A threshold (thresholds are non-negative) on, or just beside, the score of pair (i, j): the inner product t, t - 1 and t + 1 (inner-product thresholds are integers);
    /// a cosine ip / sqrt(w_i w_j) exactly where that is rational (equal weights, as duplicates have), and 10^-6 either
    /// side of it; else a multiple of 1/10.
    /// </summary>
    private static Rational ThresholdNear(SimilarityInstance instance, ProblemKind kind, int i, int j, int shift)
    {
        var a = (BinaryVectors)instance.A;
        var b = (BinaryVectors)instance.Right;
        i %= a.Count;
        j %= b.Count;
        long ip = 0;
        for (int w = 0; w < a.WordsPerRow; w++) ip += System.Numerics.BitOperations.PopCount(a.Row(i)[w] & b.Row(j)[w]);
        if (!kind.IsCosine())
        {
            return shift switch { 0 or 3 => Rational.FromInteger(ip), 1 => Rational.FromInteger(ip + 1), _ => Rational.FromInteger(Math.Max(0, ip - 1)) };
        }

        long product = (long)a.Weight(i) * b.Weight(j);
        long root = (long)Math.Round(Math.Sqrt(product));
        if (product == 0 || root * root != product) return new Rational(shift * 2, 10);
        return shift switch
        {
            3 when ip < root => new Rational((ip * 1_000_000) + 1, root * 1_000_000),
            4 => new Rational(Math.Max(0, (ip * 1_000_000) - 1), root * 1_000_000),
            _ => new Rational(ip, root), // cosine thresholds lie in [0, 1]
        };
    }

    [Fact]
    public void EveryRunnablePath_OnGeneratedBinaryInstances_MatchesOracle()
    {
        var variant = KernelDispatch.Best;
        Gen.Select(Instances, Gen.Enum<ProblemKind>(), Gen.Int[0, 2], Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[0, 4])).Sample((instance, kind, mode, pair) =>
        {
            var problem = kind == ProblemKind.Ov ? Problem.OrthogonalVectors
                : mode == 0 ? Problem.Exact(kind)
                : mode == 1 ? Problem.WithThreshold(kind, ThresholdNear(instance, kind, pair.Item1, pair.Item2, pair.Item3))
                : Problem.Approximate(kind, new Rational(3, 2));
            Answer? expected;
            try
            {
                expected = BruteForce.Instance.Solve(instance, problem);
            }
            catch (InputException)
            {
                expected = null;
            }

            foreach (var path in EngineInstances.PathsFor(variant, instance, 32))
            {
                var engine = new TiledEngine(variant, 32, path) { SlicedCopyBudget = pair.Item1 % 2 == 0 ? 0 : EngineContext.SlicedCopyBudgetBytes };
                var options = new SolveOptions { Threads = 1 + (pair.Item2 % 2), Pruning = pair.Item3 % 2 == 0 };
                if (expected is null)
                {
                    Assert.Throws<InputException>(() => engine.Solve(instance, problem, options));
                    continue;
                }

                var actual = engine.Solve(instance, problem, options);
                Assert.True(expected == actual, $"path {path}, {variant}, {problem}: oracle {expected}, engine {actual}");
            }
        }, iter: EngineInstances.Long ? 3000 : 300, threads: 1);
    }

    [Fact]
    public void ForcedPath_ThatCannotRun_FailsInsteadOfFallingBack()
    {
        var random = new Random(11);
        var dense = SimilarityInstance.Monochromatic(EngineInstances.Dense(random, 40, 16));
        var binary100 = SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 40, 100, 0.1, true));
        var binary5000 = SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 40, 5000, 0.01, true));
        var problem = Problem.Exact(ProblemKind.MaxIp);

        var wrongKind = Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.BitSliced).Solve(dense, problem));
        Assert.Contains("BitSliced", wrongKind.Message, StringComparison.Ordinal);
        Assert.Contains("dense rows", wrongKind.Message, StringComparison.Ordinal);
        Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.Tiles).Solve(dense, problem));
        Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.DenseFloat32).Solve(binary100, problem));
        var tooLong = Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.OneWordTiles).Solve(binary100, problem));
        Assert.Contains("64 bits", tooLong.Message, StringComparison.Ordinal);
        Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.Packed6Tiles).Solve(binary100, problem));
        Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.BitSliced).PathFor(binary100));
        Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Scalar, 32, EnginePath.DenseInt8).Solve(dense, problem));
        if (KernelDispatch.IsSupported(KernelVariant.Avx512VbmiPermute))
        {
            Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Avx512VbmiPermute, 32, EnginePath.BitSliced).Solve(binary5000, problem));
            Assert.Throws<PlatformNotSupportedException>(() => new TiledEngine(KernelVariant.Avx512VbmiPermute, 1024, EnginePath.BitSliced).Solve(binary100, problem));
        }

        // Forced where it can run: the solve reports that path.
        Assert.Equal(EnginePath.StagedTiles, new TiledEngine(KernelVariant.Scalar, 32, EnginePath.StagedTiles).PathFor(binary100));
        Assert.Equal(BruteForce.Instance.Solve(binary100, problem), new TiledEngine(KernelVariant.Scalar, 32, EnginePath.StagedTiles).Solve(binary100, problem));
    }

    /// <summary>
    /// The automatic rule is a function of the rows, the block size, the sort and the CPU's widest variant: checked for
    /// every kind of CPU on any machine (<see cref="BinaryPlan.Choose"/> takes the CPU as an argument).
    /// </summary>
    [Fact]
    public void AutomaticChoice_FollowsTheDocumentedRule_ForEveryCpu()
    {
        var random = new Random(12);
        var sparse1024 = EngineInstances.Binary(random, 64, 1024, 0.02, true);
        var dense1024 = EngineInstances.Binary(random, 64, 1024, 0.5, true);
        var short64 = EngineInstances.Binary(random, 64, 64, 0.3, true);
        EnginePath Rule(BinaryVectors rows, KernelVariant cpu, int? blockRows = null, bool sorted = false) => BinaryPlan.Choose(rows, rows, cpu, blockRows, sorted, forced: null);

        foreach (var cpu in new[] { KernelVariant.Scalar, KernelVariant.Vector128, KernelVariant.Vector256 })
        {
            Assert.Equal(EnginePath.Tiles, Rule(short64, cpu));
            Assert.Equal(EnginePath.Tiles, Rule(sparse1024, cpu));
            Assert.Equal(EnginePath.StagedTiles, Rule(dense1024, cpu, sorted: true));
        }

        Assert.Equal(EnginePath.OneWordTiles, Rule(short64, KernelVariant.Vector512));
        Assert.Equal(EnginePath.Tiles, Rule(dense1024, KernelVariant.Vector512));
        Assert.Equal(EnginePath.StagedTiles, Rule(sparse1024, KernelVariant.Vector512, sorted: true));
        Assert.Equal(EnginePath.BitSliced, Rule(sparse1024, KernelVariant.Avx512VbmiPermute));
        Assert.Equal(EnginePath.Packed6Tiles, Rule(sparse1024, KernelVariant.Avx512VbmiPermute, blockRows: 1024)); // blocks above 512 rows
        Assert.Equal(EnginePath.Packed6Tiles, Rule(dense1024, KernelVariant.Avx512VbmiPermute, sorted: true));
        Assert.Equal(EnginePath.Packed6Tiles, Rule(short64, KernelVariant.Avx512VbmiPermute));
        Assert.Equal(BitSlices.Lanes, BinaryPlan.BlockRows(EnginePath.BitSliced, 16, null));
        Assert.Equal(EnginePath.Tiles, BinaryPlan.Choose(sparse1024, sparse1024, KernelVariant.Avx512VbmiPermute, null, false, forced: EnginePath.Tiles));
        Assert.Equal(EnginePath.DenseFloat32, DensePlan.Choose(KernelVariant.Scalar, 32, forced: null));
        Assert.Equal(DenseInnerProducts.UsesInt8Screen(KernelDispatch.Widest, 32) ? EnginePath.DenseInt8 : EnginePath.DenseFloat32, DensePlan.Choose(KernelDispatch.Widest, 32, forced: null));
    }

    /// <summary>
    /// On this CPU, the engine runs the rule's path for <see cref="KernelDispatch.Widest"/> with every variant forced:
    /// a variant that cannot run it fails with one error naming the path, the variant and the paths that would run;
    /// none ever runs another path in its place.
    /// </summary>
    [Fact]
    public void ForcedVariant_NeverChangesThePath()
    {
        if (KernelDispatch.ForcedPath is not null) Assert.Skip($"{KernelDispatch.PathVariable} forces every engine's path in this run");
        var random = new Random(13);
        var instances = new[]
        {
            SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 64, 1024, 0.02, true)),
            SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 64, 1024, 0.5, true)),
            SimilarityInstance.Monochromatic(EngineInstances.Binary(random, 64, 64, 0.3, true)),
            SimilarityInstance.Monochromatic(EngineInstances.Dense(random, 64, 32)),
        };
        var problem = Problem.Exact(ProblemKind.MaxIp);
        foreach (var instance in instances)
        {
            var expected = instance.IsBinary
                ? BinaryPlan.Choose((BinaryVectors)instance.A, (BinaryVectors)instance.Right, KernelDispatch.Widest, null, false, null)
                : DensePlan.Choose(KernelDispatch.Widest, instance.Dimensions, null);
            Assert.Equal(expected, TiledEngine.Default.PathFor(instance));
            foreach (var variant in KernelDispatch.Supported)
            {
                var engine = new TiledEngine(variant);
                var runnable = EngineInstances.PathsFor(variant, instance, null);
                if (runnable.Contains(expected))
                {
                    Assert.Equal(expected, engine.PathFor(instance));
                    Assert.Equal(BruteForce.Instance.Solve(instance, problem), engine.Solve(instance, problem));
                    continue;
                }

                var refused = Assert.Throws<PlatformNotSupportedException>(() => engine.Solve(instance, problem));
                Assert.Contains($"engine path {expected}, chosen for this input on this CPU, cannot run with kernel variant {variant}", refused.Message, StringComparison.Ordinal);
                Assert.Contains(KernelDispatch.PathVariable, refused.Message, StringComparison.Ordinal);
                Assert.Contains($"paths that run this input with {variant}: {string.Join(", ", runnable)}", refused.Message, StringComparison.Ordinal);
                Assert.Throws<PlatformNotSupportedException>(() => engine.PathFor(instance));
                Assert.Throws<PlatformNotSupportedException>(() => engine.TopPairs(instance, ProblemKind.MaxIp, 3));

                // The same variant with a path it runs, forced: the oracle's answer on that path.
                var forced = new TiledEngine(variant, path: runnable[0]);
                Assert.Equal(runnable[0], forced.PathFor(instance));
                Assert.Equal(BruteForce.Instance.Solve(instance, problem), forced.Solve(instance, problem));
            }
        }
    }

    [Fact]
    public void ChoosePath_ParsesTheVariableOrThrows()
    {
        Assert.Null(KernelDispatch.ChoosePath(null));
        foreach (var path in EnginePaths.All) Assert.Equal(path, KernelDispatch.ChoosePath(path.ToString().ToLowerInvariant()));
        Assert.Equal(EnginePath.BitSliced, KernelDispatch.ChoosePath(" BitSliced "));
        var unknown = Assert.Throws<PlatformNotSupportedException>(() => KernelDispatch.ChoosePath("Fastest"));
        Assert.Contains("SUBQUAD_PATH=Fastest", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<PlatformNotSupportedException>(() => KernelDispatch.ChoosePath("3"));
    }

    [Fact]
    public void Listing_NamesEveryPathAndWhatItNeeds()
    {
        Assert.Equal(Enum.GetValues<EnginePath>(), EnginePaths.All);
        foreach (var path in EnginePaths.All) Assert.DoesNotContain("does not know", EnginePaths.Needs(path), StringComparison.Ordinal);
        Assert.Contains(EnginePath.Tiles, EnginePaths.Supported);
        Assert.Contains(EnginePath.DenseFloat32, EnginePaths.Supported);
        Assert.Equal(KernelDispatch.IsSupported(KernelVariant.Avx512VbmiPermute), EnginePaths.RunsWith(EnginePath.BitSliced, KernelVariant.Avx512VbmiPermute));
        Assert.False(EnginePaths.RunsWith(EnginePath.Packed6Tiles, KernelVariant.Scalar));
    }
}
