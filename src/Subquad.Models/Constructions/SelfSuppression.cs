namespace Subquad.Models.Constructions;

/// <summary>The position block that keeps a row's self-pair below the sentinel (monochromatic MSD_t and Max-IP_t).</summary>
public enum SelfSuppression
{
    /// <summary>+-1 codewords of a dual BCH code, k = 2^s - 1 columns (<see cref="PositionCode"/>): n^{2+o(1)} time.</summary>
    PositionCode,

    /// <summary>The one-hot e_p, n columns: exact (cross pairs get 0), but m = l + 2 + n, so O(n^3) time and n^2 memory.</summary>
    OneHot,
}
