using System.Numerics.Tensors;
using Tensor = Subquad.Learn.Autodiff.Tensor;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// The three matrix products a linear layer needs forward and backward, row-major, accumulating into C:
/// C += A B, C += A Bᵀ, C += Aᵀ B. Rows of C are independent, so they are split across <see cref="LearnThreads"/>;
/// each row is an axpy or dot chain through <see cref="TensorPrimitives"/> (SIMD on whatever the CPU has).
/// </summary>
public static class MatMul
{
    /// <summary>C[m,n] += A[m,k] B[k,n].</summary>
    public static void AddAB(float[] a, float[] b, float[] c, int m, int k, int n)
    {
        // Four rows of B per pass over a row of C: a quarter of the loads and stores of C.
        LearnThreads.For(m, 2L * k * n, i =>
        {
            var ci = c.AsSpan(i * n, n);
            int p = 0;
            for (; p + 4 <= k; p += 4)
            {
                float a0 = a[i * k + p], a1 = a[i * k + p + 1], a2 = a[i * k + p + 2], a3 = a[i * k + p + 3];
                Axpy4(ci, b.AsSpan(p * n, n), b.AsSpan((p + 1) * n, n), b.AsSpan((p + 2) * n, n), b.AsSpan((p + 3) * n, n), a0, a1, a2, a3);
            }

            for (; p < k; p++)
            {
                float aip = a[i * k + p];
                if (aip != 0) TensorPrimitives.MultiplyAdd(b.AsSpan(p * n, n), aip, ci, ci);
            }
        });
    }

    /// <summary>C[m,n] += A[m,k] B[n,k]ᵀ.</summary>
    public static void AddABt(float[] a, float[] b, float[] c, int m, int k, int n)
    {
        LearnThreads.For(m, 2L * k * n, i =>
        {
            var ai = a.AsSpan(i * k, k);
            var ci = c.AsSpan(i * n, n);
            for (int j = 0; j < n; j++) ci[j] += TensorPrimitives.Dot(ai, b.AsSpan(j * k, k));
        });
    }

    /// <summary>C[k,n] += A[m,k]ᵀ B[m,n].</summary>
    public static void AddAtB(float[] a, float[] b, float[] c, int m, int k, int n)
    {
        LearnThreads.For(k, 2L * m * n, p =>
        {
            var cp = c.AsSpan(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float aip = a[i * k + p];
                if (aip != 0) TensorPrimitives.MultiplyAdd(b.AsSpan(i * n, n), aip, cp, cp);
            }
        });
    }

    private static void Axpy4(Span<float> c, ReadOnlySpan<float> b0, ReadOnlySpan<float> b1, ReadOnlySpan<float> b2, ReadOnlySpan<float> b3, float a0, float a1, float a2, float a3)
    {
        int n = c.Length;
        int j = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<float>.Count;
            var v0 = new System.Numerics.Vector<float>(a0);
            var v1 = new System.Numerics.Vector<float>(a1);
            var v2 = new System.Numerics.Vector<float>(a2);
            var v3 = new System.Numerics.Vector<float>(a3);
            for (; j + w <= n; j += w)
            {
                var acc = new System.Numerics.Vector<float>(c.Slice(j, w));
                acc += v0 * new System.Numerics.Vector<float>(b0.Slice(j, w));
                acc += v1 * new System.Numerics.Vector<float>(b1.Slice(j, w));
                acc += v2 * new System.Numerics.Vector<float>(b2.Slice(j, w));
                acc += v3 * new System.Numerics.Vector<float>(b3.Slice(j, w));
                acc.CopyTo(c.Slice(j, w));
            }
        }

        for (; j < n; j++) c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
    }
}
