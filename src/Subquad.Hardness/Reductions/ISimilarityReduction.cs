using Subquad.Core.Problems;

namespace Subquad.Hardness.Reductions;

/// <summary>
/// A reduction between similarity problems: it answers a source problem on a source instance by asking other
/// problems on instances it builds. Each implementation is one lemma or theorem of the paper.
/// </summary>
public interface ISimilarityReduction
{
    /// <summary>Short name for reports ("A.4 bi->mono").</summary>
    string Name { get; }

    /// <summary>The paper's number ("Lemma A.4").</summary>
    string Reference { get; }

    /// <summary>True when this reduction handles <paramref name="problem"/> on <paramref name="instance"/>.</summary>
    bool Accepts(SimilarityInstance instance, Problem problem);

    /// <summary>The queries and the decoder for <paramref name="problem"/> on <paramref name="instance"/>.</summary>
    /// <exception cref="ArgumentException">The reduction does not apply (see <see cref="Accepts"/>).</exception>
    Reduction<Answer> Reduce(SimilarityInstance instance, Problem problem);

    /// <summary>
    /// The most calls, and the largest call, that <see cref="Reduce"/> makes on an instance of this shape: the
    /// header's "Size" as numbers, checked on every test instance by <see cref="ReductionLaws.Check"/>.
    /// </summary>
    /// <remarks>
    /// Every reduction in this project states its bound. The default (which throws) is there only so that a
    /// reduction written before this member existed still compiles; <see cref="ReductionLaws.Check"/> then fails on it.
    /// </remarks>
    /// <exception cref="NotSupportedException">The reduction states no bound.</exception>
    ReductionSize SizeBound(InstanceShape shape) => throw new NotSupportedException($"{Reference} ({Name}) states no size bound: implement SizeBound");
}
