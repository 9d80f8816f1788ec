using Subquad.Core.Engine;
using Subquad.Core.Kernels;

namespace Subquad.Core.Tests.Kernels;

/// <summary>Every variant's tile is bit-identical to the scalar FMA chains, and within the proven float32 bound.</summary>
public unsafe class DenseInnerProductsTests
{
    public static TheoryData<KernelVariant> Variants() => new(KernelDispatch.All);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Tile8x32_EveryDimension0To520_BitIdenticalToScalarAndWithinBound(KernelVariant variant)
    {
        if (!KernelDispatch.IsSupported(variant)) Assert.Skip($"{variant} needs {KernelDispatch.MissingInstructions(variant)}, which this CPU lacks");
        var random = new Random(21);
        var expected = new float[256];
        var actual = new float[256];
        float** rows = stackalloc float*[8];
        for (int d = 0; d <= 520; d += d < 80 ? 1 : 7)
        {
            var strip = new float[8 * d]; // row r at r * d
            var panel = new float[d * 32];
            bool integers = d % 5 == 0;
            for (int k = 0; k < strip.Length; k++) strip[k] = integers ? random.Next(-4, 5) : (float)(random.NextDouble() * 2 - 1);
            for (int k = 0; k < panel.Length; k++) panel[k] = integers ? random.Next(-4, 5) : (float)(random.NextDouble() * 2 - 1);
            fixed (float* a = strip, b = panel, e = expected, o = actual)
            {
                for (int r = 0; r < 8; r++) rows[r] = a + r * d;
                DenseInnerProducts.Tile8x32(KernelVariant.Scalar, rows, b, d, e);
                DenseInnerProducts.Tile8x32(variant, rows, b, d, o);
            }

            for (int r = 0; r < 8; r++)
            {
                for (int c = 0; c < 32; c++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected[r * 32 + c]), BitConverter.SingleToInt32Bits(actual[r * 32 + c]));
                    double exact = 0, absolute = 0;
                    for (int k = 0; k < d; k++)
                    {
                        exact += (double)strip[r * d + k] * panel[k * 32 + c];
                        absolute += Math.Abs((double)strip[r * d + k] * panel[k * 32 + c]);
                    }

                    Assert.True(Math.Abs(actual[r * 32 + c] - exact) <= DenseErrorBound.Gamma32(d) * absolute + 1e-30, $"d {d}: {actual[r * 32 + c]} vs {exact}");
                    if (integers) Assert.Equal(exact, actual[r * 32 + c]);
                }
            }
        }
    }

    [Fact]
    public void PackPanel_InterleavesRowsAndZeroesMissingColumns()
    {
        var values = Enumerable.Range(0, 5 * 16).Select(v => (float)v).ToArray();
        var packed = new float[3 * 32];
        fixed (float* source = values, destination = packed)
        {
            DenseInnerProducts.PackPanel(source, 16, 3, new[] { 4, 0, 2 }, destination);
        }

        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(values[4 * 16 + k], packed[k * 32 + 0]);
            Assert.Equal(values[0 * 16 + k], packed[k * 32 + 1]);
            Assert.Equal(values[2 * 16 + k], packed[k * 32 + 2]);
            for (int c = 3; c < 32; c++) Assert.Equal(0f, packed[k * 32 + c]);
        }
    }
}
