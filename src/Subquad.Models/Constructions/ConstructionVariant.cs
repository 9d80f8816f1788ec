namespace Subquad.Models.Constructions;

/// <summary>Which construction: the paper's as written, or this project's corrected one (paper.md 4.3.4, 7).</summary>
public enum ConstructionVariant
{
    /// <summary>
    /// The corrected construction on tagged rows (v, kind, position): bichromatic colour penalty, monochromatic
    /// positional self-suppression for the "max" problems, the sentinel at the midpoint of the score gap, document
    /// values that are never 0 (OV's all-zero input is answered correctly). Works on every instance. The default.
    /// </summary>
    Corrected,

    /// <summary>
    /// Thm 4.1 / C.1 / C.2 exactly as written (with HEAD's D.3 fixes), monochromatic only. Wrong for Max-IP_t and MSD_t
    /// (self-attention, paper.md 4.3.4), and wherever every document is the zero vector: OV (4.3.1) and Min-IP_t
    /// (Thm C.1), whose document values ||v||_1 are then all 0, so every o_i = 0 and phi2 says "no" although every
    /// pair is a witness (<c>PaperSlipTests.AsWrittenMinIp_AllZeroInput_IsTheDocumentedLimitation</c>). Kept to show it.
    /// </summary>
    AsWritten,
}
