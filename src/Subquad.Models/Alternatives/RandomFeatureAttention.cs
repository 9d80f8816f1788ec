using System.Globalization;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives;

/// <summary>
/// Performer FAVOR+ (Choromanski et al. 2021; ALTERNATIVES.md 3.3) on the construction's own q, k, v: positive
/// orthogonal random features phi(x) = f^{-1/2} (exp(W x - ||x||^2/2 - s) + eps), so E[phi(q) . phi(k)] = exp(q . k)
/// up to the stabiliser s and eps, and Y = diag(phi(Q) (phi(K)^T 1))^{-1} phi(Q) (phi(K)^T V) in O(n f (m + d_out)).
/// </summary>
/// <remarks>
/// Def 2.1 has no temperature, so the kernel is exp(q . k) itself: there is no d^{-1/4} pre-scaling (that scaling is
/// how lucidrains gets exp(q . k / sqrt(d)); folding it into Q and K is the same thing). The stabiliser s is the
/// per-row max of W x for queries and the global max over all keys and features for keys; both cancel in the row
/// normalisation. eps = 1e-4 as in the reference. The estimator's variance grows like exp(||q + k||^2): the paper's
/// constructions use scores of size lambda * l (paper.md section 5, Alman-Song "fast attention requires bounded
/// entries"), which is exactly where the duel shows it failing.
/// </remarks>
public sealed class RandomFeatureAttention : IAttentionMixer
{
    /// <summary>FAVOR+ with <paramref name="features"/> random features from <paramref name="seed"/>.</summary>
    public RandomFeatureAttention(int features, int seed, bool orthogonal = true, double epsilon = 1e-4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Features = features;
        Seed = seed;
        Orthogonal = orthogonal;
        Epsilon = epsilon;
    }

    /// <summary>f, the number of random features.</summary>
    public int Features { get; }

    /// <summary>Seed of W.</summary>
    public int Seed { get; }

    /// <summary>Orthogonal blocks (FAVOR+) or iid rows.</summary>
    public bool Orthogonal { get; }

    /// <summary>The additive eps of the feature map.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"performer(features={Features})");

    /// <summary>phi over the rows of <paramref name="x"/> (n x m): queries stabilised per row, keys by the global max.</summary>
    public Matrix FeatureMap(Matrix x, Matrix w, bool isQuery)
    {
        int n = x.Rows, f = w.Rows;
        var u = new Matrix(n, f);
        double globalMax = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Row(i);
            var ui = u.Row(i);
            for (int r = 0; r < f; r++)
            {
                ui[r] = AttentionAlgebra.Dot(w.Row(r), xi);
                globalMax = Math.Max(globalMax, ui[r]);
            }
        }

        double scale = 1.0 / Math.Sqrt(f);
        var phi = new Matrix(n, f);
        for (int i = 0; i < n; i++)
        {
            var xi = x.Row(i);
            double h = AttentionAlgebra.Dot(xi, xi) / 2;
            var ui = u.Row(i);
            double s = globalMax;
            if (isQuery)
            {
                s = double.NegativeInfinity;
                foreach (double value in ui) s = Math.Max(s, value);
            }

            var pi = phi.Row(i);
            for (int r = 0; r < f; r++) pi[r] = scale * (Math.Exp(ui[r] - h - s) + Epsilon);
        }

        return phi;
    }

    /// <summary>(phi(Q), phi(K), v) for X: the shared first half of the fast form and the reference.</summary>
    public (Matrix PhiQ, Matrix PhiK, Matrix V) FeaturesOf(Matrix x, AttentionWeights weights)
    {
        var (q, k, v) = AttentionAlgebra.Project(x, weights);
        var w = OrthogonalRandomFeatures.Draw(Features, q.Columns, Seed, Orthogonal);
        return (FeatureMap(q, w, isQuery: true), FeatureMap(k, w, isQuery: false), v);
    }

    /// <inheritdoc/>
    public Matrix Forward(Matrix x, AttentionWeights weights, CancellationToken cancellationToken = default)
    {
        var (phiQ, phiK, v) = FeaturesOf(x, weights);
        int n = phiQ.Rows, f = Features, d = v.Columns;

        // phi(K)^T V (f x d) and phi(K)^T 1 (f): one pass over the keys, no n x n matrix.
        var kv = new Matrix(f, d);
        var z = new double[f];
        for (int j = 0; j < n; j++)
        {
            var pj = phiK.Row(j);
            var vj = v.Row(j);
            for (int r = 0; r < f; r++)
            {
                z[r] += pj[r];
                var kvr = kv.Row(r);
                for (int c = 0; c < d; c++) kvr[c] += pj[r] * vj[c];
            }
        }

        var output = new Matrix(n, d);
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pi = phiQ.Row(i);
            double normaliser = AttentionAlgebra.Dot(pi, z);
            var oi = output.Row(i);
            for (int r = 0; r < f; r++)
            {
                var kvr = kv.Row(r);
                for (int c = 0; c < d; c++) oi[c] += pi[r] * kvr[c];
            }

            for (int c = 0; c < d; c++) oi[c] /= normaliser;
        }

        return output;
    }

    /// <inheritdoc/>
    public MixerCost Cost(int rows, AttentionWeights weights)
    {
        double f = Features, m = weights.EmbeddingDimension, d = weights.OutputWidth;
        double features = 2 * (2.0 * rows * f * m + 3.0 * rows * f);
        double contraction = 2.0 * rows * f * (d + 1) * 2;
        return new(SlidingWindowAttention.ProjectionFlops(rows, weights) + features + contraction, 0, 0);
    }
}
