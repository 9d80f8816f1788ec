namespace Subquad.Core.Engine;

/// <summary>
/// The engine's algorithms, one <see cref="ITileRunner"/> each. A path is the algorithm (how a block-pair task is
/// counted and filtered); the <see cref="Kernels.KernelVariant"/> is the instruction set its kernels use. Both are
/// chosen once per solve (<see cref="BinaryPlan"/>, <see cref="DensePlan"/>), both can be forced
/// (<c>SUBQUAD_KERNEL</c>, <c>SUBQUAD_PATH</c>, read only by <see cref="Kernels.KernelDispatch"/>), and forcing one
/// that cannot run the solve fails instead of falling back (<see cref="EnginePaths.Unsupported"/>).
/// </summary>
public enum EnginePath
{
    /// <summary>Binary rows of at most 64 bits: the right block packed 8 rows per zmm, 4 x 8 tiles of one AND + popcount each.</summary>
    OneWordTiles,

    /// <summary>Binary rows: 4 x 4 register tiles (nibble-table popcount, or scalar) on rows read in place.</summary>
    Tiles,

    /// <summary>
    /// Binary rows: the 4 x 4 tiles on rows copied contiguously per band and per block (rows sorted for pruning are
    /// scattered across the input, and 4 rows per tile from 4 pages cost DTLB misses).
    /// </summary>
    StagedTiles,

    /// <summary>Binary rows re-encoded 6 bits per byte and counted with one VPERMB per 96 bits (AVX-512 VBMI).</summary>
    Packed6Tiles,

    /// <summary>Sparse binary rows: right blocks transposed into 512-lane bit slices, counts in bit planes (AVX-512 VBMI).</summary>
    BitSliced,

    /// <summary>Dense rows: 8 x 32 float32 FMA tiles, candidates within the proven error re-scored in float64.</summary>
    DenseFloat32,

    /// <summary>
    /// Dense rows: 4 x 24 int8 VPDPBUSD tiles screen each task, candidates confirmed in float32 and re-scored in
    /// float64; a task whose rows do not quantize, or whose screen would pass too many pairs, runs the float32 tiles.
    /// </summary>
    DenseInt8,
}
