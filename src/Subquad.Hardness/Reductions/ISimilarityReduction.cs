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
}
