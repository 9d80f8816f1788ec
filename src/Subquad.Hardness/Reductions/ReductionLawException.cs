namespace Subquad.Hardness.Reductions;

/// <summary>A reduction broke one of its laws (<see cref="ReductionLaws"/>) on an instance.</summary>
public sealed class ReductionLawException : Exception
{
    /// <summary>Creates the exception with the law, the reduction and the instance named in <paramref name="message"/>.</summary>
    public ReductionLawException(string message)
        : base(message)
    {
    }
}
