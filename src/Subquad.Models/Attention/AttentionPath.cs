namespace Subquad.Models.Attention;

/// <summary>
/// The algorithm <see cref="AttentionEngine"/> runs, separate from the instruction set of its kernels
/// (<see cref="AttentionKernel"/>): chosen once per engine (<see cref="AttentionPaths.Choose"/>), forceable through
/// <see cref="AttentionEngineOptions.Path"/> or <c>SUBQUAD_ATTENTION_PATH</c>, listed by <see cref="AttentionPaths.All"/>
/// and <c>subquad info</c>.
/// </summary>
public enum AttentionPath
{
    /// <summary>Row tiles with a running max and sum; a 4 x 2 score block (Scalar or Vector256 kernel), TensorPrimitives for exp and the value products.</summary>
    Streaming,

    /// <summary>The tiled path (<see cref="AttentionTiles"/>): keys packed in L1-sized panels, a 4 x 4-vector score block and a fused softmax and value pass (Vector512 kernel).</summary>
    Tiled,
}
