using System.Globalization;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Lab.Families;

/// <summary>
/// Planted with a margin. For the "min" problems (OV, LSD_t, Min-IP_t) every row is a uniform w-subset of the l
/// columns with w = floor((l - 1) / 2), and every pair is repaired (weight-preserving swaps, <see
/// cref="ConstantWeightRows.RaiseOverlap"/>) until it shares at least <see cref="Margin"/> ones; in half of the seeds
/// (a seeded coin) one pair (i, j) at random positions is made disjoint: j is a uniform w-subset of i's zero columns.
/// Every row, the planted pair included, has weight w, and there is no shared block: neither a row-weight feature nor
/// a "some row lacks the block" bit tells a yes-instance (the detector test, <c>FamilyTellTests</c>). For the "max"
/// problems (Max-IP_t, MSD_t) the base is random at density p with every pair that meets the threshold thinned
/// (shared bits cleared until it does not); the planted pair copies one row onto another (inner product = weight,
/// cosine 1), and the rows' weight is raised to at least t first for Max-IP_t.
/// </summary>
public sealed class PlantedFamily : IInstanceFamily
{
    /// <summary>Planted family with base density p and the given margin (shared ones per row, min problems).</summary>
    public PlantedFamily(double density, int margin)
    {
        if (density is < 0 or > 1 || double.IsNaN(density)) throw new ArgumentOutOfRangeException(nameof(density), density, "density must lie in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        Density = density;
        Margin = margin;
    }

    /// <summary>p.</summary>
    public double Density { get; }

    /// <summary>Shared-ones block width (min problems).</summary>
    public int Margin { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"planted(margin={Margin})");

    /// <inheritdoc/>
    public SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed)
    {
        var random = new Random(seed);
        bool plant = random.Next(2) == 1;
        if (!problem.Kind.Maximises()) return GenerateMin(count, dimensions, bichromatic, plant, random);
        int sizeA = bichromatic ? Math.Max(1, count / 2) : count;
        int sizeB = bichromatic ? sizeA : 0;
        int total = sizeA + sizeB;
        var rows = new bool[total][];
        bool max = problem.Kind.Maximises();
        int margin = max ? 0 : Math.Min(2 * Margin, dimensions - 1) / 2 * 2;
        for (int r = 0; r < total; r++)
        {
            rows[r] = new bool[dimensions];
            for (int a = 0; a < margin; a++) rows[r][a] = true;
            bool any = margin > 0;
            for (int a = margin; a < dimensions; a++)
            {
                rows[r][a] = random.NextDouble() < Density;
                any |= rows[r][a];
            }

            if (!any) rows[r][margin + random.Next(dimensions - margin)] = true;
        }

        if (max) ThinMaxBase(rows, sizeA, bichromatic, problem, random);

        if (plant)
        {
            int i = random.Next(sizeA);
            int j = bichromatic ? sizeA + random.Next(sizeB) : (i + 1 + random.Next(total - 1)) % total;
            if (max)
            {
                if (problem.Kind == ProblemKind.MaxIp)
                {
                    int need = (int)Math.Min(dimensions, (long)(problem.Threshold ?? default).ToDouble());
                    var zeros = Enumerable.Range(0, dimensions).Where(a => !rows[i][a]).OrderBy(_ => random.Next()).ToArray();
                    for (int z = 0; z < zeros.Length && rows[i].Count(b => b) < need; z++) rows[i][zeros[z]] = true;
                }

                rows[j] = (bool[])rows[i].Clone();
            }
            else
            {
                for (int a = 0; a < margin; a++)
                {
                    rows[i][a] = a < margin / 2;
                    rows[j][a] = a >= margin / 2;
                }

                if (margin == 0 && !rows[i].Any(b => b)) rows[i][random.Next(dimensions)] = true;
                var free = Enumerable.Range(margin, dimensions - margin).Where(a => !rows[i][a]).ToArray();
                if (free.Length == 0)
                {
                    // i covers every free coordinate: give one back to j.
                    int give = margin + random.Next(dimensions - margin);
                    rows[i][give] = false;
                    free = [give];
                }

                for (int a = margin; a < dimensions; a++) rows[j][a] = false;
                foreach (int a in free) rows[j][a] = random.NextDouble() < Density;
                if (margin == 0) rows[j][free[random.Next(free.Length)]] = true;
            }
        }

        if (!bichromatic) return SimilarityInstance.Monochromatic(BinaryVectors.FromRows(rows));
        return SimilarityInstance.Bichromatic(BinaryVectors.FromRows(rows[..sizeA]), BinaryVectors.FromRows(rows[sizeA..]));
    }

    /// <summary>
    /// The margin the min-problem instances keep at l columns: the requested one, but at most half the expected overlap
    /// w^2 / l of two random rows, halved again (a larger margin forces structure and the repair stops settling: at n = 1024,
    /// l = 20, margin 2 did not, and at small l is infeasible: e.g. 32 rows of weight
    /// 3 in 8 columns cannot even pairwise intersect, Erdos-Ko-Rado), and at least 1 (no-instances must stay no).
    /// </summary>
    public int EffectiveMargin(int dimensions)
    {
        int weight = Math.Max(1, (dimensions - 1) / 2);
        return Math.Max(1, Math.Min(Margin, (int)Math.Floor((double)weight * weight / (4.0 * dimensions))));
    }

    private SimilarityInstance GenerateMin(int count, int dimensions, bool bichromatic, bool plant, Random random)
    {
        int sizeA = bichromatic ? Math.Max(1, count / 2) : count;
        int total = bichromatic ? 2 * sizeA : count;
        int weight = Math.Max(1, (dimensions - 1) / 2);
        int margin = EffectiveMargin(dimensions);
        int words = ConstantWeightRows.Words(dimensions);
        var rows = new ulong[total * words];
        Span<ulong> Row(int r) => rows.AsSpan(r * words, words);
        for (int r = 0; r < total; r++) ConstantWeightRows.Random(Row(r), dimensions, weight, random);
        int pi = -1, pj = -1;
        if (plant)
        {
            pi = random.Next(sizeA);
            pj = bichromatic ? sizeA + random.Next(sizeA) : (pi + 1 + random.Next(total - 1)) % total;
            var zeros = Enumerable.Range(0, dimensions).Where(a => !ConstantWeightRows.Get(Row(pi), a)).ToArray();
            ConstantWeightRows.Random(Row(pj), dimensions, weight, random, zeros);
        }

        // Repair every other pair up to the margin, moving a bit in the row that is not planted; repeat until a pass
        // changes nothing (a swap can lower the row's overlap with rows already passed).
        for (int pass = 0; ; pass++)
        {
            bool changed = false;
            for (int a = 0; a < total; a++)
            {
                if (bichromatic && a >= sizeA) break;
                int first = bichromatic ? Math.Max(a + 1, sizeA) : a + 1;
                for (int b = ShortOverlapScan.Next(rows, words, a, first, total, margin); b < total; b = ShortOverlapScan.Next(rows, words, a, b + 1, total, margin))
                {
                    if ((a == pi && b == pj) || (a == pj && b == pi)) continue;
                    int fix = b == pi || b == pj ? a : b, keep = fix == a ? b : a;
                    if (fix == pi || fix == pj) continue; // both planted can only be the pair itself
                    if (!ConstantWeightRows.RaiseOverlap(Row(keep), Row(fix), dimensions, margin, random)) throw new NotSupportedException($"planted family: cannot keep margin {margin} at l = {dimensions}");
                    changed = true;
                }
            }

            if (!changed) break;
            if (pass > 200) throw new NotSupportedException($"planted family: the margin repair did not settle at n = {count}, l = {dimensions}");
        }

        BinaryVectors Build(int from, int to)
        {
            var builder = new BinaryVectors.Builder(to - from, dimensions);
            for (int r = from; r < to; r++) Row(r).CopyTo(builder.RowSpan(r - from));
            return builder.Build();
        }

        return bichromatic
            ? SimilarityInstance.Bichromatic(Build(0, sizeA), Build(sizeA, total))
            : SimilarityInstance.Monochromatic(Build(0, total));
    }

    private static void ThinMaxBase(bool[][] rows, int sizeA, bool bichromatic, Problem problem, Random random)
    {
        if (problem.Threshold is not { } t) return;
        int total = rows.Length;
        for (int i = 0; i < total; i++)
        {
            for (int j = i + 1; j < total; j++)
            {
                if (bichromatic && (i >= sizeA || j < sizeA)) continue;
                while (Meets(problem.Kind, rows[i], rows[j], t))
                {
                    var shared = Enumerable.Range(0, rows[i].Length).Where(a => rows[i][a] && rows[j][a]).ToArray();
                    if (shared.Length == 0) break;
                    rows[j][shared[random.Next(shared.Length)]] = false;
                    if (!rows[j].Any(b => b))
                    {
                        int free = Array.FindIndex(rows[i], b => !b);
                        if (free < 0) break;
                        rows[j][free] = true;
                    }
                }
            }
        }
    }

    private static bool Meets(ProblemKind kind, bool[] x, bool[] y, Rational t)
    {
        long ip = 0, wx = 0, wy = 0;
        for (int a = 0; a < x.Length; a++)
        {
            if (x[a] && y[a]) ip++;
            if (x[a]) wx++;
            if (y[a]) wy++;
        }

        return ScoreOrder.MeetsThreshold(kind, PairScore.Binary(kind, ip, wx, wy), t);
    }
}
