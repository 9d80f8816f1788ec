using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Lab.Families;
using Subquad.Lab.StateLimit;

namespace Subquad.Lab.Tests.StateLimit;

public sealed class OnePassStrategyTests
{
    private static IEnumerable<Problem> Problems(int l) =>
    [
        Problem.OrthogonalVectors,
        Problem.WithThreshold(ProblemKind.Lsd, Rational.FromInteger(0)),
        Problem.WithThreshold(ProblemKind.Lsd, Rational.TryParse("0.25", out var q) ? q : default),
        Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(1)),
        Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(Math.Max(1, l / 3))),
        Problem.WithThreshold(ProblemKind.Msd, Rational.TryParse("0.75", out var h) ? h : default),
    ];

    [Theory]
    [InlineData(RetentionPolicy.KeepFirst)]
    [InlineData(RetentionPolicy.KeepByWeight)]
    [InlineData(RetentionPolicy.Reservoir)]
    public void Strategy_WithRoomForEveryVector_IsExact(RetentionPolicy policy)
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            int n = 2 + random.Next(30), l = 3 + random.Next(12);
            bool bichromatic = seed % 2 == 1;
            var a = InstanceGenerator.RandomBinary(n, l, 0.15 + (0.5 * random.NextDouble()), seed);
            var instance = bichromatic
                ? SimilarityInstance.Bichromatic(a, InstanceGenerator.RandomBinary(n, l, 0.4, seed + 1000))
                : SimilarityInstance.Monochromatic(a);
            foreach (var problem in Problems(l))
            {
                var truth = ExactSolvers.Oracle.Solve(instance, problem);
                var result = new OnePassStrategy((long)n * l, policy).Run(instance, problem);
                Assert.Equal(truth.Found, result.Found);
                if (result.Found) Assert.True(Verifier.Verify(instance, problem, Answer.Pair(problem, result.I, result.J, PairScoring.Score(problem.Kind, instance.A, result.I, instance.Right, result.J))).IsValid);
            }
        }
    }

    [Theory]
    [InlineData(RetentionPolicy.KeepFirst)]
    [InlineData(RetentionPolicy.KeepByWeight)]
    [InlineData(RetentionPolicy.Reservoir)]
    public void PackedRun_MatchesTheScalarReference_AtEveryBudget(RetentionPolicy policy)
    {
        // Same answer, witness, kept count and comparison count as the pair-by-pair reference: random weights (so the
        // weight policy and the cosine limits are exercised), one- and two-word rows, every budget from nothing to all.
        for (int seed = 0; seed < 80; seed++)
        {
            var random = new Random(seed);
            int n = 2 + random.Next(60), l = 2 + random.Next(seed % 3 == 0 ? 120 : 20);
            var a = InstanceGenerator.RandomBinary(n, l, 0.05 + (0.6 * random.NextDouble()), seed);
            var instance = seed % 2 == 1
                ? SimilarityInstance.Bichromatic(a, InstanceGenerator.RandomBinary(n, l, 0.05 + (0.6 * random.NextDouble()), seed + 1000))
                : SimilarityInstance.Monochromatic(a);
            foreach (var problem in Problems(l))
            {
                foreach (long bits in new long[] { 0, l - 1, l, 3L * l, (n / 2) * (long)l, (long)n * l })
                {
                    var strategy = new OnePassStrategy(Math.Max(0, bits), policy, seed);
                    var fast = strategy.Run(instance, problem);
                    var reference = strategy.RunReference(instance, problem);
                    Assert.Equal(reference, fast);
                }
            }
        }
    }

    [Fact]
    public void Sketch_MatchesAScalarSketch_AndCanAnswerYesWrongly()
    {
        // The scalar sketch: keep-first on the coordinates of the shared mask, pair by pair on bools.
        int wrongYes = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            int n = 2 + random.Next(50), l = 4 + random.Next(seed % 3 == 0 ? 100 : 16);
            var a = InstanceGenerator.RandomBinary(n, l, 0.1 + (0.3 * random.NextDouble()), seed);
            var instance = SimilarityInstance.Monochromatic(a);
            int k = OnePassStrategy.SketchCoordinates(l);
            foreach (var problem in Problems(l).Where(p => !p.Kind.Maximises() || p.Kind == ProblemKind.Ov))
            {
                foreach (long bits in new long[] { 0, l, l + k, l + (3L * k), l + (n * (long)(k + 8)) })
                {
                    var strategy = new OnePassStrategy(bits, RetentionPolicy.Sketch, seed);
                    var fast = strategy.Run(instance, problem);
                    var mask = OnePassStrategy.SketchMask(l, (l + 63) / 64, seed);
                    bool InMask(int c) => (mask[c >> 6] & (1UL << (c & 63))) != 0;
                    long perVector = k + (problem.Kind == ProblemKind.Ov ? 0 : (long)Math.Ceiling(Math.Log2(l + 1)));
                    int capacity = bits < l ? 0 : (int)Math.Min(n, (bits - l) / perVector);
                    bool found = false;
                    for (int j = 0; j < n && !found; j++)
                    {
                        for (int i = 0; i < Math.Min(j, capacity) && !found; i++)
                        {
                            int ip = 0;
                            for (int c = 0; c < l; c++) if (InMask(c) && a[i, c] && a[j, c]) ip++;
                            int estimate = (int)((((long)ip * l) + (k / 2)) / k);
                            found = problem.Kind == ProblemKind.Ov
                                ? ip == 0
                                : ScoreOrder.MeetsThreshold(problem.Kind, PairScore.Binary(problem.Kind, estimate, a.Weight(i), a.Weight(j)), problem.Threshold!.Value);
                        }
                    }

                    Assert.Equal(found, fast.Found);
                    if (fast.Found && !ExactSolvers.Oracle.Solve(instance, problem).Found) wrongYes++;
                }
            }
        }

        Assert.True(wrongYes > 0, "the sketch never answered yes wrongly: it would be exact, which a half-coordinate sketch is not");
    }

    [Fact]
    public void Strategy_NeverAnswersYesWrongly_AtAnyBudget()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(24, 10, 0.5, seed));
            bool truth = ExactSolvers.Oracle.Solve(instance, Problem.OrthogonalVectors).Found;
            foreach (long bits in new long[] { 0, 10, 35, 100, 240 })
            {
                var result = new OnePassStrategy(bits).Run(instance, Problem.OrthogonalVectors);
                if (result.Found) Assert.True(truth);
                Assert.True(result.StateBitsUsed <= bits);
            }
        }
    }

    [Fact]
    public void Strategy_WithRoomForFewVectors_MissesPlantedWitnesses_Measurably()
    {
        // Planted OV instances of n = 128 with a margin: half are yes. Keeping 4 of 128 vectors finds a planted pair only
        // when one of its rows is among the first 4; with room for all it finds every one.
        var family = new PlantedFamily(0.3, 2);
        int yes = 0, foundSmall = 0, foundAll = 0;
        for (int seed = 0; seed < 80; seed++)
        {
            var instance = family.Generate(128, 16, Problem.OrthogonalVectors, false, seed);
            if (!ExactSolvers.Oracle.Solve(instance, Problem.OrthogonalVectors).Found) continue;
            yes++;
            if (new OnePassStrategy(4 * 16).Run(instance, Problem.OrthogonalVectors).Found) foundSmall++;
            if (new OnePassStrategy(128 * 16).Run(instance, Problem.OrthogonalVectors).Found) foundAll++;
        }

        Assert.InRange(yes, 25, 55);
        Assert.Equal(yes, foundAll);
        Assert.True(foundSmall < yes / 3, $"found {foundSmall} of {yes} with 4 vectors kept");
    }

    [Fact]
    public void KeepByWeight_KeepsTheLightestForOv()
    {
        var instance = SimilarityInstance.Monochromatic(Core.Vectors.BinaryVectors.Parse("1111", "1011", "0001", "1101", "1000"));
        // (2, 4) is the only orthogonal pair. Room for one vector: keep-first keeps row 0 and misses it; keep-by-weight
        // trades down to the lightest row seen (row 2) and finds it when row 4 arrives.
        Assert.False(new OnePassStrategy(4, RetentionPolicy.KeepFirst).Run(instance, Problem.OrthogonalVectors).Found);
        var byWeight = new OnePassStrategy(4, RetentionPolicy.KeepByWeight).Run(instance, Problem.OrthogonalVectors);
        Assert.True(byWeight.Found);
        Assert.Equal((2, 4), (byWeight.I, byWeight.J));
    }

    [Fact]
    public void DisjointnessBound_HasTheDerivedConstants()
    {
        // l = 2 log2 n leaves (l - 2)/2 = 9 index bits at n = 1024: m = 512; with l = 22, m = n - 1.
        Assert.Equal(512, DisjointnessBound.DeterministicBits(1024, 20));
        Assert.Equal(1023, DisjointnessBound.DeterministicBits(1024, 22));
        double h = -(0.01 * Math.Log2(0.01)) - (0.99 * Math.Log2(0.99));
        Assert.Equal((1 - h) * 1023, DisjointnessBound.RandomisedBits(1024, 40, 0.01), 9);
        Assert.Equal(0, DisjointnessBound.RandomisedBits(1024, 40, 0.5));
        Assert.Equal(1, DisjointnessBound.BinaryEntropy(0.5), 12);
    }

    [Fact]
    public void DisjointnessBound_Reduction_IsYesExactlyWhenBobsIndexIsInAlicesSet()
    {
        // Every x in {0,1}^m and every i for m = 1..6 (and random x for m = 9, 16): the exact engine's answer is x[i].
        for (int m = 1; m <= 6; m++)
        {
            for (int mask = 0; mask < 1 << m; mask++)
            {
                var x = Enumerable.Range(0, m).Select(e => ((mask >> e) & 1) == 1).ToArray();
                for (int i = 0; i < m; i++)
                {
                    var instance = DisjointnessBound.IndexInstance(x, i);
                    Assert.Equal(m + 1, instance.A.Count);
                    Assert.Equal(DisjointnessBound.DimensionsFor(m), instance.Dimensions);
                    Assert.Equal(x[i], ExactSolvers.Oracle.Solve(instance, Problem.OrthogonalVectors).Found);
                }
            }
        }

        var random = new Random(5);
        foreach (int m in new[] { 9, 16, 33 })
        {
            for (int trial = 0; trial < 20; trial++)
            {
                var x = Enumerable.Range(0, m).Select(_ => random.Next(2) == 1).ToArray();
                int i = random.Next(m);
                Assert.Equal(x[i], ExactSolvers.Oracle.Solve(DisjointnessBound.IndexInstance(x, i), Problem.OrthogonalVectors).Found);
            }
        }
    }

    [Fact]
    public void RealisticMamba_StateIsCountedPerLayer_AndLimitsN()
    {
        long bits = RealisticMamba.StateBits();
        // 24 layers x (2 x 768 channels) x (16 SSM states + 3 conv inputs) x 32 bits.
        Assert.Equal(24L * 1536 * (16 + 3) * 32, bits);
        long n = RealisticMamba.LargestNHoldingAll(bits, 2);
        Assert.True(n * Math.Ceiling(2 * Math.Log2(n)) <= bits);
        Assert.True(2 * n * Math.Ceiling(2 * Math.Log2(2 * n)) > bits);
        long allowed = RealisticMamba.LargestNAllowedByBound(bits, 0.01);
        Assert.True(DisjointnessBound.RandomisedBits((int)allowed, (int)Math.Ceiling(2 * Math.Log2(allowed)), 0.01) <= bits);
        Assert.True(DisjointnessBound.RandomisedBits((int)(2 * allowed), (int)Math.Ceiling(2 * Math.Log2(2 * allowed)), 0.01) > bits);
    }
}
