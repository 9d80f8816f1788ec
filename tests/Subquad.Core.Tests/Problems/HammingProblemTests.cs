using Subquad.Core.Engine;
using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Tests.Engine;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Problems;

/// <summary>
/// Min-Hamming and Max-Hamming (the closest and furthest pair of binary rows in Hamming distance): parsing, the
/// hand-checked rules (ties, zero rows, n = 2, thresholds on, and one either side of, achievable distances, the
/// dense refusal), the oracle against a bit-by-bit reference, and the engine against the oracle on every path.
/// </summary>
public class HammingProblemTests
{
    private static readonly ProblemKind[] Kinds = [ProblemKind.MinHamming, ProblemKind.MaxHamming];

    // l = 4: r0 = 1100, r1 = 1110, r2 = 0000, r3 = 0011.
    // Distances: d01 = 1, d02 = 2, d03 = 4, d12 = 3, d13 = 3, d23 = 2. Min 1 at (0, 1); max 4 at (0, 3).
    private static readonly SimilarityInstance Four = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1110", "0000", "0011"));

    [Theory]
    [InlineData("minhamming", ProblemKind.MinHamming)]
    [InlineData("Min-Hamming", ProblemKind.MinHamming)]
    [InlineData("max_hamming", ProblemKind.MaxHamming)]
    [InlineData("MAXHAMMING", ProblemKind.MaxHamming)]
    public void Names_ParseAndRoundTrip(string text, ProblemKind expected)
    {
        Assert.True(ProblemKinds.TryParse(text, out var kind));
        Assert.Equal(expected, kind);
        Assert.True(ProblemKinds.TryParse(kind.CliName(), out var again));
        Assert.Equal(kind, again);
        Assert.True(kind.IsHamming() && kind.NeedsBinary() && !kind.IsCosine() && !kind.IsInnerProduct());
        Assert.Equal(kind == ProblemKind.MaxHamming, kind.Maximises());
    }

    [Fact]
    public void Thresholds_AreIntegers_AndAtMostL()
    {
        Assert.False(Problem.TryCreate("minhamming", "2.5", null, out _, out var error));
        Assert.Contains("Hamming-distance threshold must be an integer", error, StringComparison.Ordinal);
        Assert.True(Problem.TryCreate("maxhamming", "4", null, out var atL, out _));
        Four.Validate(atL!); // t = l is allowed (inclusive domain [0, l])
        Assert.True(Problem.TryCreate("maxhamming", "5", null, out var aboveL, out _));
        var refused = Assert.Throws<InputException>(() => Four.Validate(aboveL!));
        Assert.Contains("Hamming-distance threshold must lie in [0, l]", refused.Message, StringComparison.Ordinal);
        Assert.Contains("minhamming", ProblemKinds.Names, StringComparison.Ordinal);
    }

    [Fact]
    public void HandChecked_OptimaAndThresholdsOnAndBesideTheOptimum()
    {
        foreach (var solver in new ISimilaritySolver[] { BruteForce.Instance, TiledEngine.Default })
        {
            var min = solver.Solve(Four, Problem.Exact(ProblemKind.MinHamming));
            Assert.Equal((0, 1, 1L), (min.I, min.J, min.Score.Hamming));
            Assert.Equal(1.0, min.Score.Value);
            var max = solver.Solve(Four, Problem.Exact(ProblemKind.MaxHamming));
            Assert.Equal((0, 3, 4L), (max.I, max.J, max.Score.Hamming));

            // Min-Hamming_t asks distance <= t: no at t = 0 (one below the optimum), yes at t = 1 (on it) and t = 2.
            Assert.False(solver.Solve(Four, Problem.WithThreshold(ProblemKind.MinHamming, Rational.FromInteger(0))).Found);
            var on = solver.Solve(Four, Problem.WithThreshold(ProblemKind.MinHamming, Rational.FromInteger(1)));
            Assert.Equal((true, 0, 1), (on.Found, on.I, on.J));
            var above = solver.Solve(Four, Problem.WithThreshold(ProblemKind.MinHamming, Rational.FromInteger(2)));
            Assert.Equal((0, 1), (above.I, above.J)); // the smallest (i, j) meeting it: d01 = 1 <= 2

            // Max-Hamming_t asks distance >= t: yes at t = 4 (on the optimum, = l), t = 3 first met at (0, 3).
            var maxOn = solver.Solve(Four, Problem.WithThreshold(ProblemKind.MaxHamming, Rational.FromInteger(4)));
            Assert.Equal((true, 0, 3), (maxOn.Found, maxOn.I, maxOn.J));
            var three = solver.Solve(Four, Problem.WithThreshold(ProblemKind.MaxHamming, Rational.FromInteger(3)));
            Assert.Equal((0, 3), (three.I, three.J));
        }

        // Every pair at distance >= 3, in (i, j) order: (0,3) = 4, (1,2) = 3, (1,3) = 3.
        var join = new List<Answer>();
        TiledEngine.Default.PairsMeeting(Four, Problem.WithThreshold(ProblemKind.MaxHamming, Rational.FromInteger(3)), a => { join.Add(a); return true; });
        Assert.Equal(new[] { (0, 3, 4L), (1, 2, 3L), (1, 3, 3L) }, join.Select(a => (a.I, a.J, a.Score.Hamming)));
        Assert.Equal(BruteForce.PairsMeeting(Four, Problem.WithThreshold(ProblemKind.MaxHamming, Rational.FromInteger(3))), join);

        // Top 3 closest: d01 = 1, then the ties at 2 by (i, j): (0, 2), (2, 3).
        var top = TiledEngine.Default.TopPairs(Four, ProblemKind.MinHamming, 3);
        Assert.Equal(new[] { (0, 1), (0, 2), (2, 3) }, top.Select(a => (a.I, a.J)));
        Assert.Equal(BruteForce.TopPairs(Four, ProblemKind.MinHamming, 3), top);
    }

    [Fact]
    public void ZeroRows_AreOrdinaryRows_AndDuplicatesAreDistanceZero()
    {
        // Cosine refuses zero rows; Hamming distance is defined for them: d(0000, 0000) = 0, d(0000, 1111) = 4.
        var zeros = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1111", "0000", "0110", "0000"));
        foreach (var solver in new ISimilaritySolver[] { BruteForce.Instance, TiledEngine.Default })
        {
            var min = solver.Solve(zeros, Problem.Exact(ProblemKind.MinHamming));
            Assert.Equal((1, 3, 0L), (min.I, min.J, min.Score.Hamming));
            var max = solver.Solve(zeros, Problem.Exact(ProblemKind.MaxHamming));
            Assert.Equal((0, 1, 4L), (max.I, max.J, max.Score.Hamming));
        }

        Assert.Throws<InputException>(() => BruteForce.Instance.Solve(zeros, Problem.Exact(ProblemKind.Msd)));
    }

    [Fact]
    public void TwoRows_AndAllTied_GiveTheSmallestPair()
    {
        var two = SimilarityInstance.Monochromatic(BinaryVectors.Parse("101", "011"));
        foreach (var kind in Kinds)
        {
            var answer = TiledEngine.Default.Solve(two, Problem.Exact(kind));
            Assert.Equal((0, 1, 2L), (answer.I, answer.J, answer.Score.Hamming));
        }

        // Every pair of the one-hot rows of l = 5 is at distance 2: both objectives pick (0, 1); bichromatic (0, 0).
        var oneHot = BinaryVectors.Parse("10000", "01000", "00100", "00010", "00001");
        foreach (var kind in Kinds)
        {
            Assert.Equal((0, 1), Pair(TiledEngine.Default.Solve(SimilarityInstance.Monochromatic(oneHot), Problem.Exact(kind))));
            var bi = SimilarityInstance.Bichromatic(BinaryVectors.Parse("11000"), oneHot);
            // Against 11000 the one-hots at 0 and 1 are at distance 1, the others at 3.
            var best = TiledEngine.Default.Solve(bi, Problem.Exact(kind));
            Assert.Equal(kind == ProblemKind.MinHamming ? (0, 0, 1L) : (0, 2, 3L), (best.I, best.J, best.Score.Hamming));
        }
    }

    [Fact]
    public void DenseInput_IsRefusedByName_ByEverySolver()
    {
        var dense = SimilarityInstance.Monochromatic(DenseVectors.FromRows([[1f, 0f], [0f, 1f]], source: "x.npy"));
        foreach (var kind in Kinds)
        {
            foreach (var solver in new ISimilaritySolver[] { BruteForce.Instance, TiledEngine.Default })
            {
                var error = Assert.Throws<InputException>(() => solver.Solve(dense, Problem.Exact(kind)));
                Assert.Contains("x.npy", error.Message, StringComparison.Ordinal);
                Assert.Contains($"{kind.PaperName()} is defined on binary vectors", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Gamma_IsMultiplicative_AndAZeroMinimumAdmitsOnlyZero()
    {
        // Four: min 1 (0,1), others 2, 3, 4; max 4 (0,3).
        var min2 = Problem.Approximate(ProblemKind.MinHamming, Rational.FromInteger(2));
        Assert.True(Verifier.Verify(Four, min2, Claim(Four, min2, 0, 2)).IsValid);   // 2 <= 2 * 1: inclusive
        Assert.False(Verifier.Verify(Four, min2, Claim(Four, min2, 1, 2)).IsValid);  // 3 > 2
        var max2 = Problem.Approximate(ProblemKind.MaxHamming, Rational.FromInteger(2));
        Assert.True(Verifier.Verify(Four, max2, Claim(Four, max2, 0, 2)).IsValid);   // 2 >= 4 / 2
        Assert.False(Verifier.Verify(Four, max2, Claim(Four, max2, 0, 1)).IsValid);  // 1 < 2
        var dup = SimilarityInstance.Monochromatic(BinaryVectors.Parse("110", "110", "111"));
        var any = Problem.Approximate(ProblemKind.MinHamming, Rational.FromInteger(100));
        Assert.True(Verifier.Verify(dup, any, Claim(dup, any, 0, 1)).IsValid);
        Assert.False(Verifier.Verify(dup, any, Claim(dup, any, 0, 2)).IsValid);      // 1 > 100 * 0
    }

    /// <summary>The oracle against a reference that knows nothing of weights or inner products: XOR bit by bit.</summary>
    [Fact]
    public void Oracle_EqualsABitByBitReference_OnRandomInstances()
    {
        var random = new Random(1401);
        for (int c = 0; c < 300; c++)
        {
            int n = 2 + random.Next(12), l = 1 + random.Next(c % 3 == 0 ? 200 : 12);
            var bits = RandomBits(random, n, l);
            var rows = BuildRows(bits, l);
            bool bichromatic = random.Next(3) == 0;
            int split = 1 + random.Next(n - 1);
            var instance = bichromatic
                ? SimilarityInstance.Bichromatic(BuildRows(bits[..split], l), BuildRows(bits[split..], l))
                : SimilarityInstance.Monochromatic(rows);
            var right = bichromatic ? bits[split..] : bits;
            var left = bichromatic ? bits[..split] : bits;
            var pairs = new List<(int I, int J, int D)>();
            for (int i = 0; i < left.Length; i++)
            {
                for (int j = bichromatic ? 0 : i + 1; j < right.Length; j++)
                {
                    int d = 0;
                    for (int k = 0; k < l; k++) d += left[i][k] != right[j][k] ? 1 : 0;
                    pairs.Add((i, j, d));
                }
            }

            foreach (var kind in Kinds)
            {
                bool max = kind == ProblemKind.MaxHamming;
                int best = max ? pairs.Max(p => p.D) : pairs.Min(p => p.D);
                var first = pairs.First(p => p.D == best); // lexicographic order: the smallest (i, j)
                var answer = BruteForce.Instance.Solve(instance, Problem.Exact(kind));
                Assert.Equal((first.I, first.J, (long)best), (answer.I, answer.J, answer.Score.Hamming));
                foreach (int t in new[] { best - 1, best, best + 1, random.Next(l + 1) }.Where(t => t >= 0 && t <= l))
                {
                    var meeting = pairs.Where(p => max ? p.D >= t : p.D <= t).Select(p => (p.I, p.J)).ToList();
                    var join = BruteForce.PairsMeeting(instance, Problem.WithThreshold(kind, Rational.FromInteger(t)));
                    Assert.Equal(meeting, join.Select(a => (a.I, a.J)));
                }
            }
        }
    }

    /// <summary>
    /// The engine equals the oracle for both kinds, every form (exact, gamma, threshold on and one either side of an
    /// achievable distance, top-K, the join), on every variant and path, sorted and unsorted (pruning on and off),
    /// including n = 2, l = 1, 64, 65, rows with planted duplicates, subsets and complements, and all-zero rows.
    /// </summary>
    [Fact]
    public void Engine_EqualsOracle_OnEveryVariantAndPath()
    {
        var random = new Random(1402);
        int cases = EngineInstances.Long ? 400 : 80;
        for (int c = 0; c < cases; c++)
        {
            int n = c % 10 == 0 ? 2 : 2 + (int)(150 * Math.Pow(random.NextDouble(), 2));
            int l = random.Next(5) switch { 0 => 1, 1 => 64, 2 => 65, 3 => random.Next(300, 700), _ => random.Next(2, 140) };
            double density = random.Next(3) switch { 0 => 0.03, 1 => 0.9, _ => random.NextDouble() };
            var a = EngineInstances.Binary(random, n, l, density, nonZero: random.Next(2) == 0);
            var instance = random.Next(3) == 0
                ? SimilarityInstance.Bichromatic(a, EngineInstances.Binary(random, 1 + random.Next(n), l, density, nonZero: false))
                : SimilarityInstance.Monochromatic(a);
            var variants = KernelDispatch.Supported;
            var variant = variants[random.Next(variants.Count)];
            int? blockRows = random.Next(3) == 0 ? null : 32 * random.Next(1, 3);
            var paths = EngineInstances.PathsToTry(variant, instance, blockRows);
            var path = paths[random.Next(paths.Count)];
            var engine = new TiledEngine(variant, blockRows, path) { SlicedCopyBudget = random.Next(2) == 0 ? 0 : EngineContext.SlicedCopyBudgetBytes };
            var options = new SolveOptions { Threads = random.Next(1, 4), Pruning = random.Next(2) == 0 };
            string where = $"case {c}, {variant}, path {path?.ToString() ?? "auto"}, block {blockRows?.ToString() ?? "auto"}, pruning {options.Pruning}, n {instance.A.Count}x{instance.Right.Count}, l {l}";
            foreach (var kind in Kinds)
            {
                var exact = BruteForce.Instance.Solve(instance, Problem.Exact(kind));
                var problems = new List<Problem> { Problem.Exact(kind), Problem.Approximate(kind, new Rational(3, 2)) };
                long d = exact.Score.Hamming;
                foreach (long t in new[] { d - 1, d, d + 1, random.Next(l + 1) }.Where(t => t >= 0 && t <= l))
                {
                    problems.Add(Problem.WithThreshold(kind, Rational.FromInteger(t)));
                }

                foreach (var problem in problems)
                {
                    var expected = BruteForce.Instance.Solve(instance, problem);
                    var actual = engine.Solve(instance, problem, options);
                    Assert.True(expected == actual, $"{where}, {problem}: oracle {expected}, engine {actual}");
                    if (problem.IsDecision)
                    {
                        var join = new List<Answer>();
                        engine.PairsMeeting(instance, problem, x => { join.Add(x); return true; }, options);
                        Assert.True(BruteForce.PairsMeeting(instance, problem).SequenceEqual(join), $"{where}, {problem}: join differs");
                    }
                }

                int k = new[] { 0, 1, 5, 40 }[random.Next(4)];
                Assert.True(BruteForce.TopPairs(instance, kind, k).SequenceEqual(engine.TopPairs(instance, kind, k, options)), $"{where}, top {k} {kind}");
            }
        }
    }

    /// <summary>
    /// Many rows of equal weight in one band and a few outliers: the filter's band bound (S - L) / 2 is widest where
    /// a band mixes light and heavy rows; with and without sorting the answer is the oracle's.
    /// </summary>
    [Fact]
    public void Engine_EqualsOracle_WhenABandMixesLightAndHeavyRows()
    {
        var random = new Random(1403);
        for (int c = 0; c < 12; c++)
        {
            int n = 100 + random.Next(200), l = 64 + random.Next(400);
            var bits = RandomBits(random, n, l);
            for (int i = 0; i < n; i += 1 + random.Next(20))
            {
                bool heavy = random.Next(2) == 0;
                for (int k = 0; k < l; k++) bits[i][k] = heavy ? random.Next(20) != 0 : random.Next(20) == 0;
            }

            var instance = SimilarityInstance.Monochromatic(BuildRows(bits, l));
            foreach (var kind in Kinds)
            {
                foreach (bool pruning in new[] { true, false })
                {
                    var options = new SolveOptions { Threads = 2, Pruning = pruning };
                    var engine = new TiledEngine(blockRows: 32);
                    Assert.Equal(BruteForce.Instance.Solve(instance, Problem.Exact(kind)), engine.Solve(instance, Problem.Exact(kind), options));
                    Assert.Equal(BruteForce.TopPairs(instance, kind, 25), engine.TopPairs(instance, kind, 25, options));
                }
            }
        }
    }

    private static bool[][] RandomBits(Random random, int n, int l)
    {
        var bits = new bool[n][];
        for (int i = 0; i < n; i++)
        {
            bits[i] = new bool[l];
            int plant = random.Next(6);
            if (i > 0 && plant == 0) bits[random.Next(i)].CopyTo(bits[i], 0); // a duplicate: distance 0
            else if (i > 0 && plant == 1)
            {
                var source = bits[random.Next(i)];
                for (int k = 0; k < l; k++) bits[i][k] = !source[k]; // a complement: distance l
            }
            else if (plant == 2) continue; // a zero row
            else for (int k = 0; k < l; k++) bits[i][k] = random.Next(2) == 0;
        }

        return bits;
    }

    private static BinaryVectors BuildRows(bool[][] bits, int l)
    {
        var builder = new BinaryVectors.Builder(bits.Length, l);
        for (int i = 0; i < bits.Length; i++)
        {
            for (int k = 0; k < l; k++) if (bits[i][k]) builder.Set(i, k);
        }

        return builder.Build();
    }

    private static Answer Claim(SimilarityInstance instance, Problem problem, int i, int j) =>
        Answer.Pair(problem, i, j, PairScoring.Score(problem.Kind, instance.A, i, instance.Right, j));

    private static (int, int) Pair(Answer a) => (a.I, a.J);
}
