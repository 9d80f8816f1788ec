using Subquad.Models.Precision;

namespace Subquad.Models.Constructions;

/// <summary>
/// A construction would be run in a float format too narrow for its lambda (issue 13): refused before running, with
/// the precision it needs (<see cref="SentinelConstruction.RequiredSignificandBits"/>), never answered.
/// </summary>
public sealed class PrecisionRefusedException : Exception
{
    /// <summary>The refusal for <paramref name="format"/>.</summary>
    public PrecisionRefusedException(FloatFormat format, int? requiredSignificandBits, string message)
        : base(message)
    {
        Format = format;
        RequiredSignificandBits = requiredSignificandBits;
    }

    /// <summary>The format asked for.</summary>
    public FloatFormat Format { get; }

    /// <summary>Significand bits the decision needs, or null when no finite precision would do.</summary>
    public int? RequiredSignificandBits { get; }
}
