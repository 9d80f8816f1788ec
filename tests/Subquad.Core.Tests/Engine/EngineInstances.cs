using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.Engine;

/// <summary>Seeded random instances for engine-versus-oracle tests, with the awkward cases planted on purpose.</summary>
internal static class EngineInstances
{
    /// <summary>True when SUBQUAD_LONG_TESTS=1 asks for the big sweeps.</summary>
    public static bool Long => Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1";

    /// <summary>
    /// n rows of l bits with density p, with planted duplicates, subsets (cosine sqrt(w'/w)), complements (orthogonal
    /// pairs) and equal-weight rows so ties and near-ties are common.
    /// </summary>
    public static BinaryVectors Binary(Random random, int n, int l, double density, bool nonZero)
    {
        var builder = new BinaryVectors.Builder(n, l);
        var rows = new bool[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new bool[l];
            int plant = random.Next(8);
            if (i > 0 && plant == 0)
            {
                rows[random.Next(i)].CopyTo(rows[i], 0); // exact duplicate: an exact tie
            }
            else if (i > 0 && plant == 1)
            {
                var source = rows[random.Next(i)];
                for (int k = 0; k < l; k++) rows[i][k] = source[k] && random.Next(4) != 0; // a subset
            }
            else if (i > 0 && plant == 2)
            {
                var source = rows[random.Next(i)];
                for (int k = 0; k < l; k++) rows[i][k] = !source[k] && random.NextDouble() < density; // disjoint
            }
            else
            {
                for (int k = 0; k < l; k++) rows[i][k] = random.NextDouble() < density;
            }

            if (nonZero && !rows[i].Contains(true)) rows[i][random.Next(l)] = true;
            for (int k = 0; k < l; k++) if (rows[i][k]) builder.Set(i, k);
        }

        return builder.Build();
    }

    /// <summary>
    /// n dense rows of d floats: Gaussian, small integers (many exact ties), exact duplicates, scaled copies, and
    /// copies perturbed by one ulp in one coordinate (float64 scores that differ by far less than float32 round-off).
    /// </summary>
    public static DenseVectors Dense(Random random, int n, int d)
    {
        var builder = new DenseVectors.Builder(n, d);
        bool integers = random.Next(3) == 0;
        for (int i = 0; i < n; i++)
        {
            var row = builder.RowSpan(i);
            int plant = random.Next(6);
            if (i > 0 && plant <= 2)
            {
                int from = random.Next(i);
                var source = builder.RowSpan(from);
                source.CopyTo(row);
                if (plant == 1) for (int k = 0; k < d; k++) row[k] *= 2f; // same direction, cosine ties
                if (plant == 2)
                {
                    int k = random.Next(d);
                    row[k] = random.Next(2) == 0 ? MathF.BitIncrement(row[k]) : MathF.BitDecrement(row[k]);
                }
            }
            else
            {
                for (int k = 0; k < d; k++) row[k] = integers ? random.Next(-3, 4) : (float)(random.NextDouble() * 2 - 1);
            }

            bool zero = true;
            for (int k = 0; k < d; k++) zero &= row[k] == 0;
            if (zero) row[random.Next(d)] = 1f;
        }

        return builder.Build();
    }

    /// <summary>
    /// Problems to ask on an instance: every kind (OV and the Hamming kinds only on binary) in exact, gamma and
    /// threshold form, thresholds from <paramref name="threshold"/> (default <see cref="Threshold"/>).
    /// </summary>
    public static IEnumerable<Problem> Problems(Random random, SimilarityInstance instance, Func<Random, SimilarityInstance, ProblemKind, Rational>? threshold = null)
    {
        threshold ??= Threshold;
        foreach (var kind in Enum.GetValues<ProblemKind>())
        {
            if (kind.IsHamming() && !instance.IsBinary) continue;
            if (kind == ProblemKind.Ov)
            {
                if (instance.IsBinary) yield return Problem.OrthogonalVectors;
                continue;
            }

            yield return Problem.Exact(kind);
            if (random.Next(4) == 0) yield return Problem.Approximate(kind, new Rational(random.Next(10, 30), 10));
            yield return Problem.WithThreshold(kind, threshold(random, instance, kind));
        }
    }

    /// <summary>
    /// A threshold that often sits exactly on some pair's score (the inclusive edge); for the Hamming kinds a pair's
    /// distance, or one either side of it (clamped to [0, l]), or any value in [0, l].
    /// </summary>
    public static Rational Threshold(Random random, SimilarityInstance instance, ProblemKind kind)
    {
        if (kind.IsCosine()) return new Rational(random.Next(0, 11), 10);
        int l = instance.Dimensions;
        if (instance.A is BinaryVectors a)
        {
            var b = (BinaryVectors)instance.Right;
            int i = random.Next(a.Count), j = random.Next(b.Count);
            long ip = 0;
            for (int w = 0; w < a.WordsPerRow; w++) ip += System.Numerics.BitOperations.PopCount(a.Row(i)[w] & b.Row(j)[w]);
            if (kind.IsHamming())
            {
                long distance = a.Weight(i) + b.Weight(j) - (2 * ip) + random.Next(-1, 2);
                return Rational.FromInteger(random.Next(4) == 0 ? random.Next(0, l + 1) : Math.Clamp(distance, 0, l));
            }

            return Rational.FromInteger(random.Next(3) == 0 ? random.Next(0, l + 1) : ip);
        }

        return Rational.FromInteger(random.Next(0, 4));
    }

    /// <summary>
    /// A random engine configuration for <paramref name="instance"/>: variant, block size, path (one of
    /// <see cref="PathsToTry"/>: the engine's own choice where that variant runs it, or a path forced), threads and pruning.
    /// </summary>
    public static (Subquad.Core.Engine.TiledEngine Engine, Solvers.SolveOptions Options) Configuration(Random random, SimilarityInstance instance)
    {
        var variants = KernelDispatch.Supported;
        var variant = variants[random.Next(variants.Count)];
        int? blockRows = random.Next(3) == 0 ? null : 32 * random.Next(1, 3);
        var paths = PathsToTry(variant, instance, blockRows);
        var path = random.Next(2) == 0 && paths[0] is null ? null : paths[random.Next(paths.Count)];
        // Budgets 0: the dense int8 screen quantizes, and the bit-sliced path transposes, each task's block itself
        // instead of using a one-off copy.
        var engine = new Subquad.Core.Engine.TiledEngine(variant, blockRows, path)
        {
            Int8CopyBudget = random.Next(2) == 0 ? 0 : Subquad.Core.Engine.QuantizedRows.BudgetBytes,
            SlicedCopyBudget = random.Next(2) == 0 ? 0 : Subquad.Core.Engine.EngineContext.SlicedCopyBudgetBytes,
        };
        var options = new Solvers.SolveOptions { Threads = random.Next(1, 4), Pruning = random.Next(2) == 0 };
        return (engine, options);
    }

    /// <summary>The engine paths that can run <paramref name="instance"/> with <paramref name="variant"/> (null block rows: the path's own).</summary>
    public static IReadOnlyList<Subquad.Core.Engine.EnginePath> PathsFor(KernelVariant variant, SimilarityInstance instance, int? blockRows) =>
        Subquad.Core.Engine.EnginePaths.All
            .Where(p => Subquad.Core.Engine.EnginePaths.Unsupported(p, variant, instance.IsBinary, instance.Dimensions, blockRows ?? Subquad.Core.Kernels.BitSlices.Lanes) is null)
            .ToList();

    /// <summary>
    /// The path the engine chooses for <paramref name="instance"/> (input order, <c>SUBQUAD_PATH</c> if set), which does
    /// not depend on the variant: a forced instruction set never changes the algorithm.
    /// </summary>
    public static Subquad.Core.Engine.EnginePath AutomaticPath(SimilarityInstance instance, int? blockRows) =>
        new Subquad.Core.Engine.TiledEngine(KernelDispatch.Widest, blockRows).PlanPath(instance, sorted: false).Path;

    /// <summary>True when <paramref name="variant"/> runs the path the engine chooses for <paramref name="instance"/> (else that solve must fail).</summary>
    public static bool RunsAutomaticPath(KernelVariant variant, SimilarityInstance instance, int? blockRows) =>
        PathsFor(variant, instance, blockRows).Contains(AutomaticPath(instance, blockRows));

    /// <summary>
    /// Every path a test with <paramref name="variant"/> runs: null (the engine's own choice) first where the variant
    /// runs that choice, then every path forced that the variant runs on this input.
    /// </summary>
    public static IReadOnlyList<Subquad.Core.Engine.EnginePath?> PathsToTry(KernelVariant variant, SimilarityInstance instance, int? blockRows)
    {
        var paths = new List<Subquad.Core.Engine.EnginePath?>();
        if (RunsAutomaticPath(variant, instance, blockRows)) paths.Add(null);
        paths.AddRange(PathsFor(variant, instance, blockRows).Select(p => (Subquad.Core.Engine.EnginePath?)p));
        return paths;
    }
}
