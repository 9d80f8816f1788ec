using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Constructions;

namespace Subquad.Models.Precision;

/// <summary>
/// The precision study: each corrected construction (Robust scale) run by <see cref="EmulatedAttention"/> at f64,
/// f32, f16 and bf16 over growing n and l, on the hardest instances for it (the threshold half-way between the
/// optimum and the next achievable value, on the yes side and on the no side, so the score gap is as small as the
/// instance allows), counting wrong answers against the oracle.
/// </summary>
/// <remarks>
/// Max-IP and MSD are run bichromatic (colour penalty, m = l + 4) rather than monochromatic (self-suppression adds n
/// to m), so that n can grow; OV, Min-IP and LSD are monochromatic. Instance: random binary, density 0.3, seeded.
/// </remarks>
public static class PrecisionSweep
{
    /// <summary>One cell of the study.</summary>
    /// <param name="Kind">Problem.</param>
    /// <param name="Format">Emulated format.</param>
    /// <param name="Documents">n (total document rows).</param>
    /// <param name="Dimensions">l.</param>
    /// <param name="Trials">Instances run.</param>
    /// <param name="Wrong">Wrong answers.</param>
    /// <param name="Lambda">The largest lambda used (scores reach about lambda (l + 2)).</param>
    public sealed record Cell(ProblemKind Kind, FloatFormat Format, int Documents, int Dimensions, int Trials, int Wrong, double Lambda);

    /// <summary>Runs the grid. Sizes default to a quick grid; the CLI passes larger ones.</summary>
    public static IReadOnlyList<Cell> Run(IReadOnlyList<ProblemKind> kinds, IReadOnlyList<int> documents, IReadOnlyList<int> dimensions, IReadOnlyList<FloatFormat> formats, int trials, int seed, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var cells = new List<Cell>();
        foreach (var kind in kinds)
        {
            foreach (int n in documents)
            {
                foreach (int l in dimensions)
                {
                    var wrong = new int[formats.Count];
                    double lambda = 0;
                    for (int trial = 0; trial < trials; trial++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var (instance, problem) = HardInstance(kind, n, l, seed + (trial * 7919) + (n * 31) + l, trial % 2 == 0);
                        bool expected = BruteForce.Instance.Solve(instance, problem, cancellationToken).Found;
                        var construction = TransformerConstructions.Create(problem, instance);
                        lambda = Math.Max(lambda, construction.Lambda);
                        var input = construction.Build(instance);
                        for (int f = 0; f < formats.Count; f++)
                        {
                            var output = new EmulatedAttention(formats[f]).Forward(input.X, input.Weights, cancellationToken);
                            if (construction.Decide(output) != expected) wrong[f]++;
                        }
                    }

                    for (int f = 0; f < formats.Count; f++) cells.Add(new Cell(kind, formats[f], n, l, trials, wrong[f], lambda));
                    progress?.Report($"{kind.CliName()} n = {n} l = {l}: " + string.Join(", ", formats.Select((x, f) => $"{x.CliName()} {wrong[f]}/{trials}")));
                }
            }
        }

        return cells;
    }

    /// <summary>
    /// The smallest significand width (of the formats run) that answered every trial of a (kind, n, l) cell right,
    /// or null when none did.
    /// </summary>
    public static int? BitsNeeded(IEnumerable<Cell> cells, ProblemKind kind, int n, int l) => cells
        .Where(c => c.Kind == kind && c.Documents == n && c.Dimensions == l && c.Wrong == 0)
        .Select(c => (int?)c.Format.SignificandBits())
        .Min();

    /// <summary>A seeded instance whose threshold sits half-way to the nearest achievable value (yes or no side).</summary>
    public static (SimilarityInstance Instance, Problem Problem) HardInstance(ProblemKind kind, int n, int l, int seed, bool yesSide)
    {
        bool bichromatic = kind.Maximises();
        SimilarityInstance instance = bichromatic
            ? SimilarityInstance.Bichromatic(InstanceGenerator.RandomBinary(n / 2, l, 0.3, seed), InstanceGenerator.RandomBinary(n - (n / 2), l, 0.3, seed + 1))
            : SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(n, l, 0.3, seed, nonZero: true));
        if (kind == ProblemKind.Ov) return (instance, Problem.OrthogonalVectors);
        var best = BruteForce.Instance.Solve(instance, Problem.Exact(kind)).Score;
        if (!kind.IsCosine())
        {
            long t = yesSide ? best.InnerProduct : best.InnerProduct + (kind.Maximises() ? 1 : -1);
            return (instance, Problem.WithThreshold(kind, Rational.FromInteger(Math.Clamp(t, 0, l))));
        }

        // Cosines: the midpoint between the optimum and its neighbour on the chosen side.
        var values = AchievableValues.Cosines(l);
        var optimum = new CosineValue((int)best.InnerProduct, (int)best.WeightI, (int)best.WeightJ);
        int index = AchievableValues.FindIndex(values, optimum);
        bool below = kind.Maximises() == yesSide;
        int neighbour = Math.Clamp(below ? index - 1 : index + 1, 0, values.Count - 1);
        double midpoint = neighbour == index ? optimum.Value : (optimum.Value + values[neighbour].Value) / 2;
        return (instance, Problem.WithThreshold(kind, Rational.FromDouble(Math.Clamp(midpoint, 0, 1))));
    }
}
