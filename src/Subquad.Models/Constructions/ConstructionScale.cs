namespace Subquad.Models.Constructions;

/// <summary>How the score scale lambda and the phi2 thresholds (a, b) are chosen (paper.md section 7 item 5).</summary>
public enum ConstructionScale
{
    /// <summary>
    /// lambda from n, l and the score gap: ln(4 n (n+1) v_max) / delta (+1 for inner products), a = 1/(2(n+1)),
    /// b = 1/(n+1). Valid for every n and l. The default.
    /// </summary>
    Robust,

    /// <summary>The paper's lambda = 3 ln n, a = (n+1)^-1.5, b = 1/(n+1): valid only for integer gaps and l &lt; ~sqrt(n).</summary>
    Paper,
}
