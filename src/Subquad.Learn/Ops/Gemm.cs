using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// The one matrix-product kernel behind every linear layer and the attention tiles:
/// C[i, j] += Σ_p A(i, p) B[p, j] with A(i, p) = a[i·ars + p·acs] (so A or Aᵀ of a row-major matrix, with any
/// leading dimension) and B, C row-major with leading dimensions ldb, ldc.
/// </summary>
/// <remarks>
/// A register-blocked micro-kernel (GotoBLAS/BLIS shape without packing A): an MR × NR tile of C lives in registers
/// for a whole block of kc inner steps; each step loads NR values of one row of B and broadcasts MR values of A.
/// AVX-512: MR = 8, NR = two vectors (32 floats; 16 zmm accumulators); AVX2: MR = 6, NR = two vectors (16 floats; 12 ymm
/// accumulators); otherwise the scalar
/// loop. Partial tiles at the right and bottom edges are copied into zero-padded scratch tiles and run through the
/// same micro-kernel, so one kernel per instruction set serves every shape. The inner dimension is cut into blocks of
/// <see cref="Kc"/> so the B panel of a block stays in L1/L2 while the rows of A stream past it; rows are split over
/// <see cref="LearnThreads"/> (each thread owns whole rows of C, so no two threads write the same value).
/// Summation order differs from the scalar reference only by FMA rounding and the kc blocking; the tests bound the
/// difference by the standard a-priori bound for a k-term sum (Higham, Accuracy and Stability, 3.1).
/// </remarks>
public static unsafe class Gemm
{
    /// <summary>Inner-dimension block.</summary>
    internal const int Kc = 256;

    /// <summary>Which micro-kernel runs (tests force the others).</summary>
    internal enum Isa { Scalar, Avx2, Avx512 }

    /// <summary>The best the hardware has.</summary>
    internal static Isa Best { get; } = Vector512.IsHardwareAccelerated ? Isa.Avx512 : Vector256.IsHardwareAccelerated ? Isa.Avx2 : Isa.Scalar;

    [ThreadStatic] private static Real[]? _scratch;

    /// <summary>C[m,n] (ldc) += A(i,p) B[k,n] (ldb) with A(i,p) = a[i·ars + p·acs].</summary>
    public static void Run(Real[] a, int ars, int acs, Real[] b, int ldb, Real[] c, int ldc, int m, int k, int n) =>
        Run(a, 0, ars, acs, b, 0, ldb, c, 0, ldc, m, k, n, Best);

    /// <summary>
    /// As <see cref="Run(Real[], int, int, Real[], int, Real[], int, int, int, int)"/> with offsets into the arrays;
    /// <paramref name="parallel"/> false keeps it on the calling thread (callers that already split the work).
    /// </summary>
    public static void Run(Real[] a, int aOff, int ars, int acs, Real[] b, int bOff, int ldb, Real[] c, int cOff, int ldc, int m, int k, int n, bool parallel = true) =>
        Run(a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, m, k, n, Best, parallel);

    internal static void Run(Real[] a, int aOff, int ars, int acs, Real[] b, int bOff, int ldb, Real[] c, int cOff, int ldc, int m, int k, int n, Isa isa, bool parallel = true)
    {
        if (m <= 0 || n <= 0 || k <= 0) return;
        // Bounds once, before any pointer arithmetic: the largest index each operand is read or written at.
        Check(a, aOff + (long)(m - 1) * ars + (long)(k - 1) * acs, aOff, nameof(a));
        Check(b, bOff + (long)(k - 1) * ldb + n - 1, bOff, nameof(b));
        Check(c, cOff + (long)(m - 1) * ldc + n - 1, cOff, nameof(c));
        int mr = isa switch { Isa.Avx512 => 8, Isa.Avx2 => 6, _ => 1 };
        int blocks = (m + mr - 1) / mr;
        int tasks = parallel ? Math.Min(LearnThreads.Max, blocks) : 1;
        long cost = 2L * m * n * k;
        if (tasks <= 1 || cost < 1 << 18)
        {
            RowRange(a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, 0, m, k, n, isa);
            return;
        }

        LearnThreads.For(tasks, cost / tasks, t =>
        {
            int lo = (int)((long)blocks * t / tasks) * mr, hi = Math.Min(m, (int)((long)blocks * (t + 1) / tasks) * mr);
            RowRange(a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, lo, hi, k, n, isa);
        });
    }

    private static void Check(Real[] x, long last, int offset, string name)
    {
        if (offset < 0 || last >= x.Length) throw new ArgumentException($"gemm: operand {name} of {x.Length} values is indexed at {last}", name);
    }

    private static void RowRange(Real[] a, int aOff, int ars, int acs, Real[] b, int bOff, int ldb, Real[] c, int cOff, int ldc, int i0, int i1, int k, int n, Isa isa)
    {
        if (isa == Isa.Scalar)
        {
            for (int i = i0; i < i1; i++)
            {
                for (int p = 0; p < k; p++)
                {
                    Real aip = a[aOff + i * ars + p * acs];
                    if (aip == 0) continue;
                    int bo = bOff + p * ldb, co = cOff + i * ldc;
                    for (int j = 0; j < n; j++) c[co + j] += aip * b[bo + j];
                }
            }

            return;
        }

        int mr = isa == Isa.Avx512 ? 8 : 6, nr = isa == Isa.Avx512 ? 2 * Vector512<Real>.Count : 2 * Vector256<Real>.Count;
        var scratch = _scratch ??= new Real[8 * Kc + Kc * 32 + 8 * 32];
        int mc = 8 * mr; // rows of A per pass over the B panels: a multiple of MR, so only the last block is an edge
        fixed (Real* pa = a, pb = b, pc = c, ps = scratch)
        {
            Real* sa = ps, sb = ps + mr * Kc, sc = sb + Kc * nr;
            for (int p0 = 0; p0 < k; p0 += Kc)
            {
                int kc = Math.Min(Kc, k - p0);
                // Only the last column panel can be partial, and its zero-padded copy depends on (p0, j) alone: packed once
                // per inner block and reused by every row tile (not once per tile: n = 2, 4 or 36 made that the cost).
                int packed = -1;
                for (int ic = i0; ic < i1; ic += mc)
                {
                    int icEnd = Math.Min(i1, ic + mc);
                    for (int j = 0; j < n; j += nr)
                    {
                        int cols = Math.Min(nr, n - j);
                        for (int i = ic; i < icEnd; i += mr)
                        {
                            int rows = Math.Min(mr, icEnd - i);
                            Real* at = pa + aOff + (long)i * ars + (long)p0 * acs;
                            Real* bt = pb + bOff + (long)p0 * ldb + j;
                            Real* ct = pc + cOff + (long)i * ldc + j;
                            if (rows == mr && cols == nr)
                            {
                                Tile(isa, at, ars, acs, bt, ldb, ct, ldc, kc);
                                continue;
                            }

                            // Edge tile: zero-padded copies, the same micro-kernel, the valid part written back.
                            int tars = ars, tacs = acs, tldb = ldb;
                            if (rows < mr)
                            {
                                for (int r = 0; r < mr; r++)
                                {
                                    for (int p = 0; p < kc; p++) sa[r * kc + p] = r < rows ? at[(long)r * ars + (long)p * acs] : (Real)0;
                                }

                                at = sa;
                                tars = kc;
                                tacs = 1;
                            }

                            if (cols < nr)
                            {
                                if (packed != j)
                                {
                                    for (int p = 0; p < kc; p++)
                                    {
                                        for (int q = 0; q < nr; q++) sb[p * nr + q] = q < cols ? bt[(long)p * ldb + q] : (Real)0;
                                    }

                                    packed = j;
                                }

                                bt = sb;
                                tldb = nr;
                            }

                            for (int r = 0; r < mr; r++)
                            {
                                for (int q = 0; q < nr; q++) sc[r * nr + q] = r < rows && q < cols ? ct[(long)r * ldc + q] : (Real)0;
                            }

                            Tile(isa, at, tars, tacs, bt, tldb, sc, nr, kc);
                            for (int r = 0; r < rows; r++)
                            {
                                for (int q = 0; q < cols; q++) ct[(long)r * ldc + q] = sc[r * nr + q];
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(Isa isa, Real* a, int ars, int acs, Real* b, int ldb, Real* c, int ldc, int kc)
    {
        if (isa == Isa.Avx512) Kernel8x32(a, ars, acs, b, ldb, c, ldc, kc);
        else Kernel6x16(a, ars, acs, b, ldb, c, ldc, kc);
    }

    /// <summary>AVX-512 micro-kernel: an 8 × (2 vectors) tile of C in 16 registers for kc steps.</summary>
    private static void Kernel8x32(Real* a, long ars, long acs, Real* b, long ldb, Real* c, long ldc, int kc)
    {
        long w = Vector512<Real>.Count;
        var c00 = Vector512.Load(c); var c01 = Vector512.Load(c + w);
        var c10 = Vector512.Load(c + ldc); var c11 = Vector512.Load(c + ldc + w);
        var c20 = Vector512.Load(c + 2 * ldc); var c21 = Vector512.Load(c + 2 * ldc + w);
        var c30 = Vector512.Load(c + 3 * ldc); var c31 = Vector512.Load(c + 3 * ldc + w);
        var c40 = Vector512.Load(c + 4 * ldc); var c41 = Vector512.Load(c + 4 * ldc + w);
        var c50 = Vector512.Load(c + 5 * ldc); var c51 = Vector512.Load(c + 5 * ldc + w);
        var c60 = Vector512.Load(c + 6 * ldc); var c61 = Vector512.Load(c + 6 * ldc + w);
        var c70 = Vector512.Load(c + 7 * ldc); var c71 = Vector512.Load(c + 7 * ldc + w);
        Real* a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars, a4 = a + 4 * ars, a5 = a + 5 * ars, a6 = a + 6 * ars, a7 = a + 7 * ars;
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            b += ldb;
            long o = p * acs;
            var x = Vector512.Create(a[o]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[o]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[o]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[o]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[o]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[o]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[o]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[o]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }

        c00.Store(c); c01.Store(c + w);
        c10.Store(c + ldc); c11.Store(c + ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
        c60.Store(c + 6 * ldc); c61.Store(c + 6 * ldc + w);
        c70.Store(c + 7 * ldc); c71.Store(c + 7 * ldc + w);
    }

    /// <summary>AVX2 micro-kernel: a 6 × (2 vectors) tile of C in 12 registers for kc steps.</summary>
    private static void Kernel6x16(Real* a, long ars, long acs, Real* b, long ldb, Real* c, long ldc, int kc)
    {
        long w = Vector256<Real>.Count;
        var c00 = Vector256.Load(c); var c01 = Vector256.Load(c + w);
        var c10 = Vector256.Load(c + ldc); var c11 = Vector256.Load(c + ldc + w);
        var c20 = Vector256.Load(c + 2 * ldc); var c21 = Vector256.Load(c + 2 * ldc + w);
        var c30 = Vector256.Load(c + 3 * ldc); var c31 = Vector256.Load(c + 3 * ldc + w);
        var c40 = Vector256.Load(c + 4 * ldc); var c41 = Vector256.Load(c + 4 * ldc + w);
        var c50 = Vector256.Load(c + 5 * ldc); var c51 = Vector256.Load(c + 5 * ldc + w);
        Real* a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars, a4 = a + 4 * ars, a5 = a + 5 * ars;
        for (long p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            b += ldb;
            long o = p * acs;
            var x = Vector256.Create(a[o]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[o]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[o]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[o]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[o]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[o]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }

        c00.Store(c); c01.Store(c + w);
        c10.Store(c + ldc); c11.Store(c + ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
    }

    /// <summary>
    /// Bᵀ of a row-major [rows, cols] matrix (leading dimension ld, from offset off) into a pooled [cols, rows]
    /// buffer; return it with <see cref="ArrayPool{T}.Return(T[], bool)"/>. Products with Bᵀ go through this so the
    /// kernel always reads rows of B.
    /// </summary>
    internal static Real[] Transposed(Real[] b, int off, int ld, int rows, int cols)
    {
        var t = ArrayPool<Real>.Shared.Rent(rows * cols);
        // In 16 × 16 tiles: a column-by-column copy writes at a stride of `rows` values, and at rows = 256 (1 KB) every
        // write of a column falls into the same few L1 sets and evicts the last (32 attention heads' Kᵀ cost 1.5 ms).
        const int Tile = 16;
        Check(b, off + (long)(rows - 1) * ld + cols - 1, off, nameof(b));
        fixed (Real* pb = b, pt = t)
        {
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int q0 = 0; q0 < cols; q0 += Tile)
                {
                    int q1 = Math.Min(cols, q0 + Tile);
                    for (int q = q0; q < q1; q++)
                    {
                        Real* src = pb + off + q, dst = pt + (long)q * rows;
                        for (int r = r0; r < r1; r++) dst[r] = src[(long)r * ld];
                    }
                }
            }
        }

        return t;
    }

    /// <summary>Float64 scalar reference of the same contract.</summary>
    public static class Reference
    {
        /// <summary>C[m,n] (ldc) += A(i,p) B[k,n] (ldb) in float64.</summary>
        public static void Run(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, int m, int k, int n)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[aOff + i * ars + p * acs] * b[bOff + p * ldb + j];
                    c[cOff + i * ldc + j] += s;
                }
            }
        }
    }
}
