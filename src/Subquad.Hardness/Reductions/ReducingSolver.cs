using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Hardness.Reductions;

/// <summary>
/// A reduction used as a solver: it answers a problem by reducing it and asking the solver below. Stacking these is
/// how a chain is built (Thm 1.3 = Lemma A.13 over Lemma B.5 over an MSD solver), and a stage is swapped by
/// putting a different <see cref="ISimilaritySolver"/> underneath (the engine, the oracle, later a transformer).
/// </summary>
/// <remarks>
/// Answers are correct and decisions agree with the oracle's; an optimisation answer has the optimal score. A
/// decision's witness is a valid witness but, unlike <see cref="BruteForce"/>, not necessarily the smallest (i, j):
/// a reduction decodes whichever witness its calls return. Time and sizes are recorded in <see cref="Stats"/>.
/// </remarks>
public sealed class ReducingSolver : ISimilaritySolver
{
    /// <summary>Stacks <paramref name="reduction"/> over <paramref name="below"/>.</summary>
    public ReducingSolver(ISimilarityReduction reduction, ISimilaritySolver below)
    {
        Reduction = reduction ?? throw new ArgumentNullException(nameof(reduction));
        Below = below ?? throw new ArgumentNullException(nameof(below));
        Stats = new StageStats(reduction.Name, reduction.Reference);
    }

    /// <summary>The reduction of this stage.</summary>
    public ISimilarityReduction Reduction { get; }

    /// <summary>The solver answering this stage's queries.</summary>
    public ISimilaritySolver Below { get; }

    /// <summary>What this stage did so far.</summary>
    public StageStats Stats { get; }

    /// <inheritdoc/>
    public string Name => $"{Reduction.Name} > {Below.Name}";

    /// <inheritdoc/>
    public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        Stats.Total.Start();
        try
        {
            var reduced = Reduction.Reduce(instance, problem);
            Stats.Reductions++;
            Stats.MaxQueryCount = Math.Max(Stats.MaxQueryCount, reduced.QueryCount);
            return reduced.Decode(query =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                Stats.Count(query);
                Stats.Below.Start();
                try
                {
                    return Below.Solve(query.Instance, query.Problem, cancellationToken);
                }
                finally
                {
                    Stats.Below.Stop();
                }
            });
        }
        finally
        {
            Stats.Total.Stop();
        }
    }

    /// <summary>The stages of a stack, top first (this one, then any <see cref="ReducingSolver"/> below).</summary>
    public IEnumerable<ReducingSolver> Stages()
    {
        for (ISimilaritySolver? s = this; s is ReducingSolver r; s = r.Below) yield return r;
    }
}
