namespace Subquad.Models.Attention;

/// <summary>Which score micro-kernel the fast engine uses; <see cref="Auto"/> picks the widest accelerated one once.</summary>
public enum AttentionKernel
{
    /// <summary>Vector512 when accelerated, else Vector256, else scalar.</summary>
    Auto,

    /// <summary>Plain loops (the fallback and the in-engine reference).</summary>
    Scalar,

    /// <summary>4 query rows x 2 Vector256 key lanes per step.</summary>
    Vector256,

    /// <summary>The tiled path (<see cref="AttentionTiles"/>): keys packed in panels of 4 Vector512s, 4 query rows x 4
    /// vectors per step, fused max / exp / sum / value pass per row, register-blocked projections.</summary>
    Vector512,
}
