using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// The Performer's random matrix W (f x m), ALTERNATIVES.md 3.3: floor(f/m) stacked blocks Q^T with Q from the QR
/// decomposition of an m x m standard Gaussian matrix (here: modified Gram-Schmidt on its columns, which is the Q of
/// QR up to column signs, and signs do not change the distribution), plus the first f mod m rows of one more block;
/// then row i is multiplied by ||g_i|| with g_i ~ N(0, I_m) ("scaling 0", lucidrains' default), so each row has the
/// length distribution of a Gaussian row while rows within a block stay orthogonal. Unstructured (iid) rows are the
/// option <c>orthogonal: false</c>.
/// </summary>
public static class OrthogonalRandomFeatures
{
    /// <summary>W for <paramref name="features"/> features in dimension <paramref name="dimensions"/>, from <paramref name="seed"/>.</summary>
    public static Matrix Draw(int features, int dimensions, int seed, bool orthogonal = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var gaussian = new Gaussian(seed);
        if (!orthogonal) return gaussian.Matrix(features, dimensions);

        var w = new Matrix(features, dimensions);
        int row = 0;
        while (row < features)
        {
            var block = OrthonormalRows(gaussian, dimensions);
            for (int r = 0; r < dimensions && row < features; r++, row++) block.Row(r).CopyTo(w.Row(row));
        }

        for (int r = 0; r < features; r++)
        {
            double norm = 0;
            for (int a = 0; a < dimensions; a++)
            {
                double g = gaussian.Next();
                norm += g * g;
            }

            norm = Math.Sqrt(norm);
            var wr = w.Row(r);
            for (int a = 0; a < dimensions; a++) wr[a] *= norm;
        }

        return w;
    }

    /// <summary>m orthonormal rows: modified Gram-Schmidt over the columns of an m x m Gaussian matrix (re-drawn in the measure-zero rank-deficient case).</summary>
    private static Matrix OrthonormalRows(Gaussian gaussian, int m)
    {
        while (true)
        {
            var g = gaussian.Matrix(m, m);
            var rows = new Matrix(m, m);
            bool ok = true;
            for (int c = 0; c < m && ok; c++)
            {
                var u = rows.Row(c);
                for (int a = 0; a < m; a++) u[a] = g[a, c];
                for (int p = 0; p < c; p++)
                {
                    double dot = AttentionAlgebra.Dot(u, rows.Row(p));
                    var prev = rows.Row(p);
                    for (int a = 0; a < m; a++) u[a] -= dot * prev[a];
                }

                double norm = Math.Sqrt(AttentionAlgebra.Dot(u, u));
                if (norm < 1e-12)
                {
                    ok = false;
                    break;
                }

                for (int a = 0; a < m; a++) u[a] /= norm;
            }

            if (ok) return rows;
        }
    }
}
