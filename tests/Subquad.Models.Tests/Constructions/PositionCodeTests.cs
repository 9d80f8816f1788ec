using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Models.Tests.Constructions;

/// <summary>The position codes of the monochromatic self-suppression and the construction built on them (issue 13).</summary>
public sealed class PositionCodeTests
{
    [Fact]
    public void EveryTabledPolynomial_IsPrimitive()
    {
        for (int s = 2; s < PositionCode.Primitive.Length; s++)
        {
            // x must have order exactly 2^s - 1: no power x^i with 0 < i < 2^s - 1 equals 1.
            int q = (1 << s) - 1, value = 1;
            for (int i = 1; i <= q; i++)
            {
                value <<= 1;
                if ((value & (1 << s)) != 0) value ^= PositionCode.Primitive[s];
                Assert.True(value != 1 || i == q, $"s = {s}: x^{i} = 1");
            }

            Assert.Equal(1, value);
        }
    }

    [Theory]
    [InlineData(60, 0.5)]
    [InlineData(1500, 0.25)]
    [InlineData(3000, 0.13)]
    public void CrossInnerProducts_StayWithinTheProvenBound_Exhaustively(int n, double eta)
    {
        var code = PositionCode.Choose(n, eta);
        Assert.NotNull(code);
        Assert.True(code.CrossBound <= eta);
        Assert.True(code.Length < n);
        int k = code.Length;
        var words = new double[n][];
        for (int i = 0; i < n; i++)
        {
            words[i] = new double[k];
            code.Write(i, words[i]);
            Assert.All(words[i], v => Assert.True(v is 1 or -1));
        }

        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dot = 0;
                for (int c = 0; c < k; c++) dot += words[i][c] * words[j][c];
                worst = Math.Max(worst, Math.Abs(dot) / k);
            }
        }

        Assert.True(worst <= code.CrossBound + 1e-12, $"max |rho| = {worst} > bound {code.CrossBound} (s = {code.FieldDegree}, e = {code.Terms})");
        Assert.True(worst > 0, "distinct codewords are not all orthogonal: the bound is exercised");
    }

    [Fact]
    public void Choose_ReturnsNull_WhenNoCodeIsShorterThanN() => Assert.Null(PositionCode.Choose(8, 0.01));

    [Theory]
    [InlineData(ProblemKind.MaxIp)]
    [InlineData(ProblemKind.Msd)]
    public void CodedSelfSuppression_AgreesWithTheOneHotReference_AndTheOracle(ProblemKind kind)
    {
        int coded = 0, total = 0;
        foreach (var c in TestInstances.Cases(kind, 60, 9100 + (int)kind, bichromatic: false, maxN: 400, maxL: 6))
        {
            var reference = TransformerConstructions.Create(c.Problem, c.Instance, new ConstructionOptions { SelfSuppression = SelfSuppression.OneHot });
            var fast = TransformerConstructions.Create(c.Problem, c.Instance);
            bool expected = BruteForce.Instance.Solve(c.Instance, c.Problem).Found;
            Assert.True(expected == reference.Decide(c.Instance, AttentionEngine.Default), "one-hot: " + c.Description);
            Assert.True(expected == fast.Decide(c.Instance, AttentionEngine.Default), $"coded ({fast}): " + c.Description);
            Assert.Null(reference.Code);
            if (fast.Code is not null)
            {
                coded++;
                Assert.Equal(c.Instance.Dimensions + 2 + fast.Code.Length, fast.EmbeddingDimension);
                Assert.True(fast.EmbeddingDimension < reference.EmbeddingDimension);
            }

            total++;
        }

        Assert.True(coded >= 5, $"only {coded} of {total} instances used a code");
    }

    [Fact]
    public void PlantedSelfTrap_EveryRowHeavy_NoCrossWitness_StaysNo()
    {
        // All 1,035 rows of weight 44 in l = 46 (the complements of the pairs): two distinct rows share 42 or 43
        // coordinates, so Max-IP_44 is "no" while every self pair scores 44 >= t, the trap of paper.md 4.3.4 on every
        // row at once. C = l - t + 1 = 3 needs rho <= 1/12: a code of length 1,023 < n. Max-IP_43 is "yes".
        const int l = 46;
        var rows = new List<bool[]>();
        for (int a = 0; a < l; a++)
        {
            for (int b = a + 1; b < l; b++)
            {
                var row = Enumerable.Repeat(true, l).ToArray();
                row[a] = row[b] = false;
                rows.Add(row);
            }
        }

        var instance = SimilarityInstance.Monochromatic(Subquad.Core.Vectors.BinaryVectors.FromRows(rows, l));
        foreach (long t in new long[] { 44, 43 })
        {
            var problem = Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(t));
            var c = TransformerConstructions.Create(problem, instance);
            if (t == 44)
            {
                // C = 3 for t = 44 (rho <= 1/12: k = 1,023); t = 43 needs C = 4, rho <= 1/16, longer than n: one-hot.
                Assert.NotNull(c.Code);
                Assert.True(c.Code.Length < rows.Count, c.ToString());
            }
            Assert.Equal(BruteForce.Instance.Solve(instance, problem).Found, c.Decide(instance, AttentionEngine.Default));
            Assert.Equal(t == 43, c.Decide(instance, AttentionEngine.Default));
        }
    }
}
