using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Lab.Families;

/// <summary>
/// Draws the instances of one (family, n, l) cell balanced by construction: trials come in pairs, one yes and one no
/// (which comes first is a seeded coin), and each trial draws family instances from seeds mixed with an attempt
/// counter until the exact engine's answer is the one required. Every instance is column-permuted
/// (<see cref="ColumnPermutation"/>). A control family (<see cref="IInstanceFamily.IsControl"/>) is drawn once per
/// trial, unbalanced. The truth always comes from the exact engine.
/// </summary>
public sealed class BalancedSampler
{
    private readonly IInstanceFamily _family;
    private readonly Problem _problem;
    private readonly bool _bichromatic;

    /// <summary>A sampler for one family and problem.</summary>
    public BalancedSampler(IInstanceFamily family, Problem problem, bool bichromatic, int maxAttempts = 200)
    {
        _family = family ?? throw new ArgumentNullException(nameof(family));
        _problem = problem ?? throw new ArgumentNullException(nameof(problem));
        _bichromatic = bichromatic;
        MaxAttempts = maxAttempts;
    }

    /// <summary>Draws per trial before the family counts as not balanceable at that n.</summary>
    public int MaxAttempts { get; }

    /// <summary>One drawn instance with its truth and the seed that reproduces it.</summary>
    public sealed record Draw(SimilarityInstance Instance, bool Truth, int Seed, int Attempts, double ExactMs);

    /// <summary>The answer trial <paramref name="trial"/> of a balanced cell must have.</summary>
    public static bool RequiredTruth(int cellSeed, int trial)
    {
        bool yesFirst = (Mix(cellSeed, trial / 2) & 1) == 1;
        return (trial % 2 == 0) == yesFirst;
    }

    /// <summary>
    /// Draws trial <paramref name="trial"/> of the cell seeded <paramref name="cellSeed"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The family cannot give the required answer at this size within <see cref="MaxAttempts"/> draws.</exception>
    public Draw Sample(int count, int dimensions, int cellSeed, int trial, CancellationToken cancellationToken = default)
    {
        bool? required = _family.IsControl ? null : RequiredTruth(cellSeed, trial);
        double exactMs = 0;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int seed = Mix(Mix(cellSeed, trial), attempt);
            var instance = ColumnPermutation.Apply(_family.Generate(count, dimensions, _problem, _bichromatic, seed), Mix(seed, 0x5eed));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            bool truth = ExactSolvers.Solve(instance, _problem, new SolveOptions { CancellationToken = cancellationToken, Threads = 1 }).Found;
            exactMs = clock.Elapsed.TotalMilliseconds;
            if (required is null || truth == required) return new Draw(instance, truth, seed, attempt + 1, exactMs);
        }

        throw new NotSupportedException($"family {_family.Name} gave no {(required == true ? "yes" : "no")}-instance in {MaxAttempts} draws at n = {count}, l = {dimensions}: it cannot be balanced there (choose another size or dimension factor, or use it as a control)");
    }

    private static int Mix(int a, int b) => Duel.DuelRunner.Mix(a, b);
}
