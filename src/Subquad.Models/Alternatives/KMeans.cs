using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Lloyd's k-means, seeded and deterministic: the C initial centroids are C distinct rows picked by a seeded
/// Fisher-Yates shuffle; each iteration assigns every row to its nearest centroid (squared Euclidean, ties to the
/// smallest centroid index) and moves each centroid to its members' mean (an empty cluster keeps its centroid); it stops
/// after <c>iterations</c> rounds or when no assignment changes. With C &gt;= n every row is its own centroid.
/// </summary>
public static class KMeans
{
    /// <summary>Clusters the rows of <paramref name="points"/>; returns (centroids C' x m, assignment per row) with C' = min(C, n).</summary>
    /// <remarks>
    /// The assignment step scores eight centroids per vector (a subtract, a multiply and an add per coordinate, in
    /// coordinate order: bitwise the scalar distances) where Vector512 is in hardware; <see cref="ClusterReference"/>
    /// is the scalar form it is tested equal to.
    /// </remarks>
    public static (Matrix Centroids, int[] Assignment) Cluster(Matrix points, int clusters, int iterations, int seed) =>
        Cluster(points, clusters, iterations, seed, System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);

    /// <summary><see cref="Cluster(Matrix, int, int, int)"/> with the scalar assignment step (the reference).</summary>
    public static (Matrix Centroids, int[] Assignment) ClusterReference(Matrix points, int clusters, int iterations, int seed) =>
        Cluster(points, clusters, iterations, seed, vectorised: false);

    private static (Matrix Centroids, int[] Assignment) Cluster(Matrix points, int clusters, int iterations, int seed, bool vectorised)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        int n = points.Rows, m = points.Columns;
        int c = Math.Min(clusters, n);
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(seed);
        for (int i = 0; i < c; i++)
        {
            int pick = i + random.Next(n - i);
            (order[i], order[pick]) = (order[pick], order[i]);
        }

        var centroids = new Matrix(c, m);
        for (int i = 0; i < c; i++) points.Row(order[i]).CopyTo(centroids.Row(i));
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        if (c == n)
        {
            for (int i = 0; i < c; i++) assignment[order[i]] = i;
            return (centroids, assignment);
        }

        for (int iteration = 0; iteration < Math.Max(1, iterations); iteration++)
        {
            bool changed = false;
            var nearest = NearestAll(points, centroids, vectorised);
            for (int i = 0; i < n; i++)
            {
                int best = nearest[i];
                if (best != assignment[i])
                {
                    assignment[i] = best;
                    changed = true;
                }
            }

            if (!changed) break;
            var sums = new Matrix(c, m);
            var counts = new int[c];
            for (int i = 0; i < n; i++)
            {
                counts[assignment[i]]++;
                var s = sums.Row(assignment[i]);
                var p = points.Row(i);
                for (int a = 0; a < m; a++) s[a] += p[a];
            }

            for (int k = 0; k < c; k++)
            {
                if (counts[k] == 0) continue;
                var s = sums.Row(k);
                var centre = centroids.Row(k);
                for (int a = 0; a < m; a++) centre[a] = s[a] / counts[k];
            }
        }

        // The final assignment matches the final centroids (Lloyd's last move may have shifted them).
        return (centroids, NearestAll(points, centroids, vectorised));
    }

    private static int[] NearestAll(Matrix points, Matrix centroids, bool vectorised)
    {
        var result = new int[points.Rows];
        if (!vectorised)
        {
            for (int i = 0; i < points.Rows; i++) result[i] = Nearest(points.Row(i), centroids);
            return result;
        }

        // Centroids transposed (coordinate-major, padded to whole vectors): lane k of vector g is centroid 8 g + k.
        const int lanes = 8;
        int c = centroids.Rows, m = centroids.Columns, padded = (c + lanes - 1) / lanes * lanes;
        var transposed = new double[(long)m * padded];
        for (int k = 0; k < c; k++)
        {
            for (int a = 0; a < m; a++) transposed[((long)a * padded) + k] = centroids[k, a];
        }

        var distances = new double[padded];
        for (int i = 0; i < points.Rows; i++)
        {
            var point = points.Row(i);
            for (int g = 0; g < padded; g += lanes)
            {
                var distance = System.Runtime.Intrinsics.Vector512<double>.Zero;
                for (int a = 0; a < m; a++)
                {
                    var diff = System.Runtime.Intrinsics.Vector512.Create(point[a]) - System.Runtime.Intrinsics.Vector512.Create(transposed, (a * padded) + g);
                    distance += diff * diff;
                }

                System.Runtime.Intrinsics.Vector512.StoreUnsafe(distance, ref distances[g]);
            }

            // The reference's scan: strict '<' in centroid order, from +infinity.
            int best = 0;
            double bestDistance = double.PositiveInfinity;
            for (int k = 0; k < c; k++)
            {
                if (distances[k] < bestDistance)
                {
                    bestDistance = distances[k];
                    best = k;
                }
            }

            result[i] = best;
        }

        return result;
    }

    private static int Nearest(ReadOnlySpan<double> point, Matrix centroids)
    {
        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int k = 0; k < centroids.Rows; k++)
        {
            var centre = centroids.Row(k);
            double distance = 0;
            for (int a = 0; a < point.Length; a++)
            {
                double diff = point[a] - centre[a];
                distance += diff * diff;
            }

            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = k;
            }
        }

        return best;
    }
}
