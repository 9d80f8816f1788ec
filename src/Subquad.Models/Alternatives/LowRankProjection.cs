namespace Subquad.Models.Alternatives;

/// <summary>How Linformer's projections E, F (n x k) are made.</summary>
public enum LowRankProjection
{
    /// <summary>Johnson-Lindenstrauss projections, entries N(0, 1/k) (Linformer Thm 1's random projections); E and F independent.</summary>
    Random,

    /// <summary>E = F = I_n (needs k = n): exactly full attention, the test case.</summary>
    Identity,
}
