using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Subquad.Core.Problems;

/// <summary>
/// A small immutable description of a similarity problem: kind, mode (exact, gamma, threshold) and its parameter.
/// Whether it is mono- or bichromatic is a property of the <see cref="SimilarityInstance"/> it is asked on.
/// </summary>
/// <remarks>
/// Threshold semantics (all inclusive, as in the paper's definitions): MSD_t asks cos &gt;= t, LSD_t cos &lt;= t,
/// Max-IP_t ip &gt;= t, Min-IP_t ip &lt;= t, Max-Hamming_t ham &gt;= t, Min-Hamming_t ham &lt;= t. OV is always a
/// decision (ip == 0) and takes no parameter. Gamma is multiplicative (paper.md section 7 item 9): max/gamma &lt;=
/// value for MSD, Max-IP and Max-Hamming, value &lt;= gamma*min for LSD, Min-IP and Min-Hamming (so a Min-Hamming
/// optimum of 0, a duplicate pair, admits only pairs at distance 0).
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
        if (GammaError(kind, gamma) is { } error) throw new ArgumentOutOfRangeException(kind == ProblemKind.Ov ? nameof(kind) : nameof(gamma), error);
        return new(kind, ProblemMode.Gamma, null, gamma);
    }

    /// <summary>
    /// The threshold problem. MSD/LSD take t in [0, 1]; Max-IP/Min-IP and the Hamming kinds take an integer t in [0, l] (l is checked when
    /// the problem meets an instance, see <see cref="SimilarityInstance.Validate"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">t is outside its domain, or the kind is OV.</exception>
    public static Problem WithThreshold(ProblemKind kind, Rational t)
    {
        if (ThresholdError(kind, t) is { } error) throw new ArgumentOutOfRangeException(kind == ProblemKind.Ov ? nameof(kind) : nameof(t), error);
        return new(kind, ProblemMode.Threshold, t, null);
    }

    /// <summary>
    /// The one parser for a problem given as text (command-line options, experiment files): a kind name
    /// (<see cref="ProblemKinds.TryParse"/>), and at most one of a threshold t and a gamma, as plain decimals. No
    /// parameter: the exact problem. On failure <paramref name="error"/> is one line naming the parameter and the rule
    /// it breaks ("threshold 1.5: a cosine threshold must lie in [0, 1]"), for the caller to prefix with the option
    /// or file it came from; nothing is thrown, so no caller cuts exception text apart.
    /// </summary>
    public static bool TryCreate(string kindText, string? threshold, string? gamma, [NotNullWhen(true)] out Problem? problem, [NotNullWhen(false)] out string? error)
    {
        problem = null;
        if (!ProblemKinds.TryParse(kindText ?? "", out var kind))
        {
            error = $"problem \"{kindText}\" is not one of {ProblemKinds.Names}";
            return false;
        }

        return TryCreate(kind, threshold, gamma, out problem, out error);
    }

    /// <inheritdoc cref="TryCreate(string, string?, string?, out Problem?, out string?)"/>
    public static bool TryCreate(ProblemKind kind, string? threshold, string? gamma, [NotNullWhen(true)] out Problem? problem, [NotNullWhen(false)] out string? error)
    {
        problem = null;
        error = null;
        if (threshold is not null && gamma is not null)
        {
            error = "a threshold and a gamma exclude each other: a threshold problem is a decision, a gamma problem asks for a pair";
        }
        else if (threshold is not null)
        {
            if (!Rational.TryParse(threshold, out var t)) error = $"threshold {threshold}: expected a non-negative decimal number such as 0.75 or 3";
            else if (ThresholdError(kind, t) is { } why) error = $"threshold {threshold}: {why}";
            else problem = new(kind, ProblemMode.Threshold, t, null);
        }
        else if (gamma is not null)
        {
            if (!Rational.TryParse(gamma, out var g)) error = $"gamma {gamma}: expected a decimal number >= 1 such as 1.5";
            else if (GammaError(kind, g) is { } why) error = $"gamma {gamma}: {why}";
            else problem = new(kind, ProblemMode.Gamma, null, g);
        }
        else
        {
            problem = Exact(kind);
        }

        return problem is not null;
    }

    /// <summary>Why t is no threshold for <paramref name="kind"/>, or null.</summary>
    private static string? ThresholdError(ProblemKind kind, Rational t) =>
        kind == ProblemKind.Ov ? "OV takes no threshold (it is Min-IP with t = 0)"
        : kind.IsCosine() && t.CompareTo(Rational.FromInteger(1)) > 0 ? $"t = {t}: a cosine threshold must lie in [0, 1]"
        : !kind.IsCosine() && !t.IsInteger ? $"t = {t}: {(kind.IsHamming() ? "a Hamming-distance" : "an inner-product")} threshold must be an integer"
        : null;

    /// <summary>Why gamma is no approximation factor for <paramref name="kind"/>, or null.</summary>
    private static string? GammaError(ProblemKind kind, Rational gamma) =>
        kind == ProblemKind.Ov ? "OV is a decision problem and has no gamma version"
        : gamma.CompareTo(Rational.FromInteger(1)) < 0 ? $"gamma = {gamma}: gamma must be at least 1 (1 asks for the exact optimum)"
        : null;

    /// <summary>Short display form: "MSD", "0.5-MSD" is avoided; "MSD_t (t=0.5)", "2-approx LSD".</summary>
    public override string ToString() => Mode switch
    {
        ProblemMode.Exact => Kind.PaperName(),
        ProblemMode.Gamma => string.Create(CultureInfo.InvariantCulture, $"{Gamma}-{Kind.PaperName()}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Kind.PaperName()}_t (t = {Threshold})"),
    };
}
