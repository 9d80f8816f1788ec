using System.Globalization;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Lab.Families;

/// <summary>
/// Planted with a margin: a no-instance with slack, and in half of the seeds (a seeded coin) one planted witness at
/// random positions. For the "min" problems (OV, LSD_t, Min-IP_t) every row carries a block of 2 <see cref="Margin"/>
/// ones, so every pair has inner product at least 2 margin; the planted pair (i, j) splits it, i keeping the first
/// half and j the second, so each still shares at least the margin with every other row, and their random parts are
/// made disjoint: (i, j) is then the only orthogonal pair and every other pair is at least the margin away. For the "max" problems (Max-IP_t, MSD_t) the base is random at
/// density p with every pair that meets the threshold thinned (shared bits cleared until it does not); the planted
/// pair copies one row onto another (inner product = weight, cosine 1), and the rows' weight is raised to at least t
/// first for Max-IP_t.
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
    public string Name => string.Create(CultureInfo.InvariantCulture, $"planted(p={Density:0.###},margin={Margin})");

    /// <inheritdoc/>
    public SimilarityInstance Generate(int count, int dimensions, Problem problem, bool bichromatic, int seed)
    {
        var random = new Random(seed);
        bool plant = random.Next(2) == 1;
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
