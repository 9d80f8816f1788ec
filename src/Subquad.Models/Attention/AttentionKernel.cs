namespace Subquad.Models.Attention;

/// <summary>
/// Which score micro-kernel (instruction set) the engine uses within its <see cref="AttentionPath"/>; <see cref="Auto"/>
/// picks the widest the path runs here. Forcing a kernel never changes the path: a kernel the path does not run is
/// refused (<see cref="AttentionPaths.Choose"/>).
/// </summary>
public enum AttentionKernel
{
    /// <summary>The widest kernel the chosen path runs here.</summary>
    Auto,

    /// <summary>Plain loops (the fallback and the in-engine reference).</summary>
    Scalar,

    /// <summary>4 query rows x 2 Vector256 key lanes per step.</summary>
    Vector256,

    /// <summary>The tiled path (<see cref="AttentionTiles"/>): keys packed in panels of 4 Vector512s, 4 query rows x 4
    /// vectors per step, fused max / exp / sum / value pass per row, register-blocked projections.</summary>
    Vector512,
}
