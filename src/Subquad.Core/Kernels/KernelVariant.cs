namespace Subquad.Core.Kernels;

/// <summary>
/// The instruction-set paths every kernel family offers (STYLE 3.2). <see cref="Scalar"/> is the reference: plain
/// loops, kept forever, the oracle every other variant is tested against. The wider variants are chosen once per
/// process by <see cref="KernelDispatch"/> and can be forced (<c>SUBQUAD_KERNEL=Vector256</c>) to test or compare
/// them.
/// </summary>
public enum KernelVariant
{
    /// <summary>Plain loops: <c>BitOperations.PopCount</c> per word, <c>MathF.FusedMultiplyAdd</c> per float.</summary>
    Scalar,

    /// <summary>128-bit vectors: SSSE3 nibble-table popcount (PSHUFB), FMA3 on xmm.</summary>
    Vector128,

    /// <summary>256-bit vectors: AVX2 nibble-table popcount (VPSHUFB ymm), FMA3 on ymm.</summary>
    Vector256,

    /// <summary>512-bit vectors: AVX-512BW nibble-table popcount (VPSHUFB zmm + VPSADBW), AVX-512F FMA on zmm.</summary>
    Vector512,

    /// <summary>
    /// 512-bit vectors with AVX-512 VBMI: the engine re-encodes rows longer than 256 bits 6 bits per byte and counts
    /// each AND with one VPERMB (<see cref="Packed6Rows"/>); single products use two VPERMB 64-entry tables on raw rows;
    /// rows of at most 256 bits and dense kernels are the <see cref="Vector512"/> ones.
    /// </summary>
    Avx512VbmiPermute,
}
