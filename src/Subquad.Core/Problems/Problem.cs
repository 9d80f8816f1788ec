using System.Globalization;

namespace Subquad.Core.Problems;

/// <summary>
/// A small immutable description of a similarity problem: kind, mode (exact, gamma, threshold) and its parameter.
/// Whether it is mono- or bichromatic is a property of the <see cref="SimilarityInstance"/> it is asked on.
/// </summary>
/// <remarks>
/// Threshold semantics (all inclusive, as in the paper's definitions): MSD_t asks cos &gt;= t, LSD_t cos &lt;= t,
/// Max-IP_t ip &gt;= t, Min-IP_t ip &lt;= t. OV is always a decision (ip == 0) and takes no parameter.
/// Gamma is multiplicative (paper.md section 7 item 9): max/gamma &lt;= value for MSD and Max-IP,
/// value &lt;= gamma*min for LSD and Min-IP.
/// </remarks>
public sealed record Problem
{
    private Problem(ProblemKind kind, ProblemMode mode, Rational? threshold, Rational? gamma)
    {
        Kind = kind;
        Mode = mode;
        Threshold = threshold;
        Gamma = gamma;
    }

    /// <summary>The problem.</summary>
    public ProblemKind Kind { get; }

    /// <summary>Exact, gamma-approximate or threshold.</summary>
    public ProblemMode Mode { get; }

    /// <summary>t for threshold problems, exact; null otherwise.</summary>
    public Rational? Threshold { get; }

    /// <summary>gamma &gt;= 1 for approximate problems, exact; null otherwise.</summary>
    public Rational? Gamma { get; }

    /// <summary>True when the answer is yes/no (threshold problems and OV).</summary>
    public bool IsDecision => Mode == ProblemMode.Threshold || Kind == ProblemKind.Ov;

    /// <summary>The exact problem (for OV: the decision "is there an orthogonal pair").</summary>
    public static Problem Exact(ProblemKind kind) => new(kind, ProblemMode.Exact, null, null);

    /// <summary>Orthogonal Vectors.</summary>
    public static Problem OrthogonalVectors { get; } = Exact(ProblemKind.Ov);

    /// <summary>The gamma-approximate problem; gamma must be at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">gamma &lt; 1, or the kind is OV.</exception>
    public static Problem Approximate(ProblemKind kind, Rational gamma)
    {
        if (kind == ProblemKind.Ov) throw new ArgumentOutOfRangeException(nameof(kind), "OV is a decision problem and has no gamma version");
        if (gamma.CompareTo(Rational.FromInteger(1)) < 0) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma = {gamma}: gamma must be at least 1");
        return new(kind, ProblemMode.Gamma, null, gamma);
    }

    /// <summary>
    /// The threshold problem. MSD/LSD take t in [0, 1]; Max-IP/Min-IP take an integer t in [0, l] (l is checked when
    /// the problem meets an instance, see <see cref="SimilarityInstance.Validate"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">t is outside its domain, or the kind is OV.</exception>
    public static Problem WithThreshold(ProblemKind kind, Rational t)
    {
        if (kind == ProblemKind.Ov) throw new ArgumentOutOfRangeException(nameof(kind), "OV takes no threshold (it is Min-IP with t = 0)");
        if (kind.IsCosine() && t.CompareTo(Rational.FromInteger(1)) > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(t), $"t = {t}: a cosine threshold must lie in [0, 1]");
        }

        if (!kind.IsCosine() && !t.IsInteger)
        {
            throw new ArgumentOutOfRangeException(nameof(t), $"t = {t}: an inner-product threshold must be an integer");
        }

        return new(kind, ProblemMode.Threshold, t, null);
    }

    /// <summary>Short display form: "MSD", "0.5-MSD" is avoided; "MSD_t (t=0.5)", "2-approx LSD".</summary>
    public override string ToString() => Mode switch
    {
        ProblemMode.Exact => Kind.PaperName(),
        ProblemMode.Gamma => string.Create(CultureInfo.InvariantCulture, $"{Gamma}-{Kind.PaperName()}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Kind.PaperName()}_t (t = {Threshold})"),
    };
}
