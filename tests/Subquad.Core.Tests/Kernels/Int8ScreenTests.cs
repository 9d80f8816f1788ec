using System.Runtime.Intrinsics.X86;
using Subquad.Core.Engine;
using Subquad.Core.Kernels;

namespace Subquad.Core.Tests.Kernels;

/// <summary>
/// The dense int8 screen: the quantizer against its scalar reference and against an exact residual, the VPDPBUSD tile
/// against the scalar tile, and the screen's error bound against the float64 scores it stands in for, on random,
/// spiky, tiny, huge and near-duplicate rows.
/// </summary>
public unsafe class Int8ScreenTests
{
    private static float[] Row(Random random, int d, int kind)
    {
        var x = new float[d];
        for (int k = 0; k < d; k++)
        {
            x[k] = kind switch
            {
                0 => (float)Gaussian(random),
                1 => k == 0 ? 1000f : (float)Gaussian(random), // one spike: the scale is set by it, the rest quantizes coarsely
                2 => (float)(Gaussian(random) * 1e-12), // tiny
                3 => (float)(Gaussian(random) * 1e12), // huge
                4 => k == 0 ? 127 : random.Next(-127, 128), // integers with max |x| = 127: s = 1, exact in int8
                5 => k % 7 == 0 ? 0f : (float)(random.NextDouble() * 2 - 1),
                _ => 0f, // the zero row
            };
        }

        return x;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Quantize_VectorEqualsScalar_AndErrorNormBoundsTheExactResidual()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Vector512)) Assert.Skip("the vector quantizer needs AVX-512, which this CPU lacks");
        var random = new Random(41);
        for (int d = 1; d <= 300; d += d < 40 ? 1 : 13)
        {
            for (int kind = 0; kind <= 6; kind++)
            {
                var x = Row(random, d, kind);
                int length = Int8Rows.PaddedLength(d);
                var vector = new byte[length + 1];
                var scalar = new byte[length + 1];
                vector[length] = scalar[length] = 0xEE;
                foreach (byte flip in new byte[] { 0, 0x80 })
                {
                    Int8Rows.Result v, s;
                    fixed (float* xp = x)
                    fixed (byte* vp = vector, sp = scalar)
                    {
                        v = Int8Rows.QuantizeVector512(xp, d, vp, flip);
                        s = Int8Rows.QuantizeScalar(xp, d, sp, flip);
                    }

                    Assert.True(v.Ok);
                    Assert.Equal(s.Scale, v.Scale);
                    Assert.Equal(s.Sum, v.Sum);
                    Assert.Equal(scalar, vector);
                    Assert.Equal(0xEE, vector[length]); // nothing written past the padded row
                    double residual = 0;
                    int sum = 0;
                    for (int k = 0; k < length; k++)
                    {
                        int q = (sbyte)(vector[k] ^ flip);
                        Assert.InRange(q, -127, 127);
                        if (k >= d) Assert.Equal(0, q);
                        else residual += Math.Pow(x[k] - ((double)v.Scale * q), 2);
                        sum += q;
                    }

                    Assert.Equal(sum, v.Sum);
                    Assert.True(v.ErrorNorm >= Math.Sqrt(residual), $"d={d} kind={kind}: E={v.ErrorNorm} < ||x - s q||={Math.Sqrt(residual)}");
                    Assert.True(s.ErrorNorm >= Math.Sqrt(residual));
                    if (kind == 4) Assert.True(v.ErrorNorm < 1e-6); // s = 1: the integers quantize exactly
                }
            }
        }
    }

    [Fact]
    public void Quantize_RowsOutOfRange_AreNotOk()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Vector512)) Assert.Skip("the vector quantizer needs AVX-512, which this CPU lacks");
        var bytes = new byte[64];
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, 1e20f, 1e-20f })
        {
            var x = new float[33];
            x[5] = 1f;
            x[32] = bad; // in the scalar tail
            x[7] = bad == 1e-20f ? 0f : bad;
            if (bad == 1e-20f) x[5] = 0f;
            fixed (float* xp = x)
            fixed (byte* b = bytes)
            {
                Assert.False(Int8Rows.QuantizeVector512(xp, 33, b, 0).Ok, $"{bad}");
                Assert.False(Int8Rows.QuantizeScalar(xp, 33, b, 0).Ok, $"{bad}");
            }
        }
    }

    [Fact]
    public void Strip4x24Int8_MatchesScalar_ForEveryGroupAndTileCount()
    {
        if (!AvxVnni.IsSupported) Assert.Skip("the int8 tile needs AVX-VNNI, which this CPU lacks");
        var random = new Random(43);
        for (int groups = 1; groups <= 130; groups += groups < 20 ? 1 : 9)
        {
            int tiles = 1 + (groups % 5), length = 4 * groups;
            var right = new byte[4 * tiles * length];
            var panel = new sbyte[24 * length];
            var init = new int[24];
            var expected = new int[96 * tiles];
            var actual = new int[(96 * tiles) + 1];
            actual[96 * tiles] = -7;
            bool extremes = groups % 3 == 0;
            for (int k = 0; k < right.Length; k++) right[k] = extremes ? (byte)255 : (byte)random.Next(256);
            for (int k = 0; k < panel.Length; k++) panel[k] = extremes ? (sbyte)(k % 2 == 0 ? 127 : -127) : (sbyte)random.Next(-127, 128);
            for (int k = 0; k < 24; k++) init[k] = random.Next(-100_000, 100_000);
            fixed (byte* r = right)
            fixed (sbyte* p = panel)
            fixed (int* i = init, e = expected, o = actual)
            {
                DenseInnerProducts.Strip4x24Int8Scalar(r, length, tiles, p, i, e);
                DenseInnerProducts.Strip4x24Int8Vnni(r, length, tiles, p, i, o);
            }

            Assert.Equal(expected, actual[..(96 * tiles)]);
            Assert.Equal(-7, actual[96 * tiles]); // nothing written past the last tile
        }
    }

    [Fact]
    public void StoreInPanel_PutsEachGroupWhereTheTileReadsIt()
    {
        var random = new Random(47);
        const int Groups = 5;
        var panel = new sbyte[24 * Groups * 4];
        var rowsData = new byte[24][];
        fixed (sbyte* p = panel)
        {
            for (int slot = 0; slot < 24; slot++)
            {
                rowsData[slot] = new byte[Groups * 4];
                random.NextBytes(rowsData[slot]);
                fixed (byte* row = rowsData[slot]) Int8Rows.StoreInPanel(slot == 23 ? null : row, Groups, p, slot);
            }
        }

        for (int slot = 0; slot < 24; slot++)
        {
            for (int k = 0; k < Groups * 4; k++)
            {
                sbyte stored = panel[(k / 4 * Int8Rows.PanelGroupBytes) + (4 * slot) + (k % 4)];
                Assert.Equal(slot == 23 ? (sbyte)0 : (sbyte)rowsData[slot][k], stored);
            }
        }
    }

    /// <summary>
    /// The bound the engine relies on: for every pair, the screen's value (exact int8 dot product times the float32
    /// factors, as <c>DenseInt8Runner</c> computes it) lies within Int8Cosine / Int8InnerProduct of the oracle's
    /// float64 score, with the bound taken from just the two rows (the tightest case: a task's bound uses maxima).
    /// </summary>
    [Fact]
    public void ScreenValue_IsWithinTheBound_OfTheFloat64Score()
    {
        if (!KernelDispatch.IsSupported(KernelVariant.Vector512)) Assert.Skip("the vector quantizer needs AVX-512, which this CPU lacks");
        var random = new Random(53);
        double worstCosineRatio = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            int d = random.Next(1, 400);
            int kind = random.Next(0, 6);
            var x = Row(random, d, kind);
            // The partner: an independent row, or a near-duplicate of x (where the screen matters most).
            var y = random.Next(3) == 0 ? x.Select(v => v * (1 + (float)(Gaussian(random) * 1e-3))).ToArray() : Row(random, d, kind);
            var qx = new byte[Int8Rows.PaddedLength(d)];
            var qy = new byte[Int8Rows.PaddedLength(d)];
            Int8Rows.Result rx, ry;
            fixed (float* xp = x, yp = y)
            fixed (byte* a = qx, b = qy)
            {
                rx = Int8Rows.QuantizeVector512(xp, d, a, 0);
                ry = Int8Rows.QuantizeVector512(yp, d, b, 0);
            }

            Assert.True(rx.Ok && ry.Ok);
            long dot = 0;
            for (int k = 0; k < d; k++) dot += (sbyte)qx[k] * (sbyte)qy[k];
            double ip = 0, nx = 0, ny = 0;
            for (int k = 0; k < d; k++)
            {
                ip += (double)x[k] * y[k];
                nx += (double)x[k] * x[k];
                ny += (double)y[k] * y[k];
            }

            nx = Math.Sqrt(nx);
            ny = Math.Sqrt(ny);
            if (nx > 0 && ny > 0)
            {
                float fx = (float)(rx.Scale / nx), fy = (float)(ry.Scale / ny);
                float value = (float)dot * fx * fy;
                double cosine = ip / (nx * ny);
                double bound = DenseErrorBound.Int8Cosine(d, rx.ErrorNorm / nx, ry.ErrorNorm / ny);
                Assert.True(Math.Abs(value - cosine) <= bound, $"trial {trial} d={d} kind={kind}: |{value} - {cosine}| > {bound}");
                worstCosineRatio = Math.Max(worstCosineRatio, Math.Abs(value - cosine) / bound);
            }

            float ipValue = (float)dot * rx.Scale * ry.Scale;
            double ipBound = DenseErrorBound.Int8InnerProduct(d, nx, rx.ErrorNorm, ny, ry.ErrorNorm);
            Assert.True(Math.Abs(ipValue - ip) <= ipBound, $"trial {trial} d={d} kind={kind}: |{ipValue} - {ip}| > {ipBound}");
        }

        // The bound is rigorous but not absurdly loose: some pair comes within a factor 20 of it.
        Assert.True(worstCosineRatio > 0.05, $"worst ratio {worstCosineRatio}");
    }

    [Fact]
    public void Int8Peak_IsPositiveAndFinite_AndRejectsBadArguments()
    {
        if (!AvxVnni.IsSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => FmaPeak.MeasureInt8Gops(1, TimeSpan.FromMilliseconds(20)));
            return;
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => FmaPeak.MeasureInt8Gops(0, TimeSpan.FromMilliseconds(20)));
        double gops = FmaPeak.MeasureInt8Gops(1, TimeSpan.FromMilliseconds(100));
        Assert.True(double.IsFinite(gops) && gops > 1, $"{gops}");
    }
}
