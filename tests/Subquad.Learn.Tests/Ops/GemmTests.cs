using System.Runtime.Intrinsics;
using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;

namespace Subquad.Learn.Tests.Ops;

/// <summary>
/// The register-blocked GEMM against its float64 scalar reference on random shapes, every micro-kernel the machine
/// can run, A read directly and transposed (by strides), with offsets and leading dimensions wider than the product,
/// one and two threads. Tolerance: each entry within the a-priori bound for a float32 sum of the k + 1 terms
/// c₀, a_i1 b_1j, ..., a_ik b_kj in any order, with or without FMA (two roundings per term at most):
/// |ĉ - c| ≤ γ_(2k+2) (|c₀| + Σ_p |a_ip b_pj|), γ_m = m u / (1 - m u), u = 2⁻²⁴ (Higham, Accuracy and Stability,
/// 3.1). A bound, not a tuned number.
/// </summary>
public sealed class GemmTests(ITestOutputHelper output)
{
    public static TheoryData<string> Isas()
    {
        var data = new TheoryData<string> { "Scalar" };
        if (Vector256.IsHardwareAccelerated) data.Add("Avx2");
        if (Vector512.IsHardwareAccelerated) data.Add("Avx512");
        return data;
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Kernel_matches_the_float64_reference_on_random_shapes_within_the_summation_bound(string isaName)
    {
        var isa = Enum.Parse<Gemm.Isa>(isaName);
        var rng = new Random(18 + (int)isa);
        var shapes = new List<(int M, int K, int N)> { (1, 1, 1), (2, 1, 3), (8, 1, 32), (6, 16, 16), (7, 5, 33), (9, 300, 31), (17, 513, 65), (64, 64, 192), (65, 257, 2), (3, 2, 100) };
        for (int r = 0; r < 30; r++) shapes.Add((rng.Next(1, 80), rng.Next(1, 600), rng.Next(1, 90)));
        int keep = LearnThreads.Max;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                LearnThreads.Max = threads;
                foreach (var (m, k, n) in shapes)
                {
                    foreach (bool transposed in new[] { false, true })
                    {
                        // A stored [m, lda] (or [k, lda] for Aᵀ) with padding columns and an offset, B and C likewise.
                        int pad = rng.Next(0, 5), aOff = rng.Next(0, 3), bOff = rng.Next(0, 3), cOff = rng.Next(0, 3);
                        int lda = (transposed ? m : k) + pad, ldb = n + rng.Next(0, 4), ldc = n + rng.Next(0, 4);
                        var a = Random(rng, aOff + (transposed ? k : m) * lda);
                        var b = Random(rng, bOff + k * ldb);
                        var c = Random(rng, cOff + m * ldc);
                        int ars = transposed ? 1 : lda, acs = transposed ? lda : 1;
                        var expected = c.Select(v => (double)v).ToArray();
                        Gemm.Reference.Run(Wide(a), aOff, ars, acs, Wide(b), bOff, ldb, expected, cOff, ldc, m, k, n);
                        var c0 = (float[])c.Clone();
                        Gemm.Run(a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, m, k, n, isa);
                        double u = Math.Pow(2, -24), gamma = (2 * k + 2) * u / (1 - (2 * k + 2) * u);
                        for (int i = 0; i < m; i++)
                        {
                            for (int j = 0; j < n; j++)
                            {
                                double abs = 0;
                                for (int p = 0; p < k; p++) abs += Math.Abs((double)a[aOff + i * ars + p * acs] * b[bOff + p * ldb + j]);
                                int o = cOff + i * ldc + j;
                                double bound = gamma * (abs + Math.Abs(c0[o]));
                                Assert.True(Math.Abs(c[o] - expected[o]) <= bound, $"{isa} {threads}t {(transposed ? "AtB" : "AB")} {m}x{k}x{n} at ({i},{j}): {c[o]} vs {expected[o]}, bound {bound:E2}");
                            }
                        }

                        // Padding between rows and before the offsets is never written.
                        for (int i = 0; i < m; i++)
                        {
                            for (int j = n; j < ldc && cOff + i * ldc + j < c.Length; j++) Assert.Equal(c0[cOff + i * ldc + j], c[cOff + i * ldc + j]);
                        }

                        for (int o = 0; o < cOff; o++) Assert.Equal(c0[o], c[o]);
                    }
                }
            }
        }
        finally
        {
            LearnThreads.Max = keep;
        }

        output.WriteLine($"{isa}: {shapes.Count} shapes x 2 layouts x 2 thread counts within the bound");
    }

    [Fact]
    public void Operands_too_short_for_the_shape_are_refused_before_any_write()
    {
        var c = new float[6];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Run(new float[5], 3, 1, new float[9], 3, c, 3, 2, 3, 3));
        Assert.Contains("operand a", e.Message);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static double[] Wide(float[] x) => x.Select(v => (double)v).ToArray();
}
