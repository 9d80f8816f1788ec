using Subquad.Models.Attention;

namespace Subquad.Models.Tests.Attention;

public sealed class AttentionEngineTests
{
    private static Matrix Random(Random random, int rows, int columns, double scale)
    {
        var m = new Matrix(rows, columns);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = scale * ((2 * random.NextDouble()) - 1);
        return m;
    }

    /// <summary>Every (path, kernel) pair this machine runs: the tests loop over paths and kernels together.</summary>
    public static TheoryData<AttentionPath, AttentionKernel> Kernels()
    {
        var data = new TheoryData<AttentionPath, AttentionKernel>();
        foreach (var (path, kernel) in AttentionPaths.Supported()) data.Add(path, kernel);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Float64_EveryKernel_MatchesReferenceTo1e12(AttentionPath path, AttentionKernel kernel)
    {
        var random = new Random(1234);
        var engine = new AttentionEngine(new AttentionEngineOptions { Path = path, Kernel = kernel, RowTile = 8, KeyTile = 32 });
        foreach (var n in new[] { 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 100, 257 })
        {
            foreach (var (d, m, o) in new[] { (1, 1, 1), (3, 5, 2), (9, 17, 3), (20, 40, 1) })
            {
                // Scale 3 makes scores up to ~ d m 9: rows with a dominant key and rows with spread weights both occur.
                var x = Random(random, n, d, 1);
                var w = new AttentionWeights(Random(random, d, m, 3), Random(random, d, m, 1), Random(random, d, o, 1));
                var expected = AttentionReference.AttentionForward(x, w);
                var actual = engine.Forward(x, w);
                for (int i = 0; i < expected.Data.Length; i++)
                {
                    double tolerance = 1e-12 * Math.Max(1, Math.Abs(expected.Data[i]));
                    Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= tolerance, $"path {path}, kernel {kernel}, n = {n}, d = {d}, m = {m}, o = {o}, entry {i}: {actual.Data[i]} vs {expected.Data[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Float32_EveryKernel_MatchesReferenceWithinFloat32Rounding(AttentionPath path, AttentionKernel kernel)
    {
        var random = new Random(99);
        var engine = new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32, Path = path, Kernel = kernel, RowTile = 4, KeyTile = 64 });
        foreach (var n in new[] { 1, 2, 17, 64, 65, 200 })
        {
            var x = Random(random, n, 6, 1);
            var w = new AttentionWeights(Random(random, 6, 10, 1), Random(random, 6, 10, 1), Random(random, 6, 2, 1));
            var expected = AttentionReference.AttentionForward(x, w);
            var actual = engine.Forward(x, w);
            for (int i = 0; i < expected.Data.Length; i++)
            {
                Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected.Data[i])), $"path {path}, kernel {kernel}, n = {n}, entry {i}: {actual.Data[i]} vs {expected.Data[i]}");
            }
        }
    }

    [Fact]
    public void HugeScores_DoNotOverflow_AndPickTheArgmax()
    {
        // Scores of 1e6 overflow exp() without the running max (paper.md 7 item 6).
        var x = new Matrix(3, 1, [1, 2, 3]);
        var w = new AttentionWeights(new Matrix(1, 1, [1e5]), new Matrix(1, 1, [1]), new Matrix(1, 1, [1]));
        var output = AttentionEngine.Default.Forward(x, w);
        Assert.Equal(3, output[0, 0], 12);
        Assert.Equal(3, output[2, 0], 12);
    }

    [Fact]
    public void Transformer_IsPhi2OfAttentionOfPhi1()
    {
        var phi1 = new RowMap(1, 1, (s, d) => d[0] = 2 * s[0]);
        var w = new AttentionWeights(new Matrix(1, 1, [0]), new Matrix(1, 1, [0]), new Matrix(1, 1, [1]));
        var tf = new Transformer(phi1, w, o => o[0, 0]);

        // Zero scores: uniform attention, so every row outputs the mean of phi1(E) = 2 * mean(E).
        Assert.Equal(4, tf.Evaluate(new Matrix(3, 1, [1, 2, 3]), AttentionEngine.Default), 12);
    }
}
