using System.Buffers;

namespace Subquad.Learn.Ops;

/// <summary>
/// The three matrix products a linear layer needs forward and backward, row-major, accumulating into C:
/// C += A B, C += A Bᵀ, C += Aᵀ B, all through the register-blocked <see cref="Gemm"/> kernel (Aᵀ by strides, Bᵀ by a
/// pooled transposed copy, which for a layer's weight or an attention head is small next to the product).
/// </summary>
public static class MatMul
{
    /// <summary>C[m,n] += A[m,k] B[k,n].</summary>
    public static void AddAB(Real[] a, Real[] b, Real[] c, int m, int k, int n) => Gemm.Run(a, k, 1, b, n, c, n, m, k, n);

    /// <summary>C[m,n] += A[m,k] B[n,k]ᵀ.</summary>
    public static void AddABt(Real[] a, Real[] b, Real[] c, int m, int k, int n)
    {
        var bt = Gemm.Transposed(b, 0, k, n, k);
        try
        {
            Gemm.Run(a, k, 1, bt, n, c, n, m, k, n);
        }
        finally
        {
            ArrayPool<Real>.Shared.Return(bt);
        }
    }

    /// <summary>C[k,n] += A[m,k]ᵀ B[m,n].</summary>
    public static void AddAtB(Real[] a, Real[] b, Real[] c, int m, int k, int n) => Gemm.Run(a, 1, k, b, n, c, n, k, m, n);
}
