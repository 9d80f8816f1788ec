namespace Subquad.Learn.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter) as PyTorch's torch.optim.AdamW: decoupled decay p ← p (1 - lr λ) on decayed
/// parameters, then p ← p - lr m̂ / (√v̂ + ε) with bias-corrected moments.
/// </summary>
public sealed class AdamW
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private int _step;

    /// <summary>An optimiser over <paramref name="parameters"/>.</summary>
    public AdamW(IReadOnlyList<Parameter> parameters, double weightDecay = 0.1, double beta1 = 0.9, double beta2 = 0.98, double epsilon = 1e-8)
    {
        _parameters = parameters;
        _m = parameters.Select(p => new float[p.Value.Length]).ToArray();
        _v = parameters.Select(p => new float[p.Value.Length]).ToArray();
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>β1.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>One update at learning rate <paramref name="lr"/>; gradients are zeroed afterwards.</summary>
    public void Step(double lr)
    {
        _step++;
        double c1 = 1 - Math.Pow(Beta1, _step), c2 = 1 - Math.Pow(Beta2, _step);
        float b1 = (float)Beta1, b2 = (float)Beta2;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var w = p.Value.Data;
            var g = p.Value.Grad;
            if (g is null) continue;
            float decay = p.Decay ? (float)(1 - lr * p.LearningRateScale * WeightDecay) : 1f;
            var m = _m[i];
            var v = _v[i];
            float stepSize = (float)(lr * p.LearningRateScale / c1), rootC2 = (float)Math.Sqrt(c2), eps = (float)Epsilon;
            for (int j = 0; j < w.Length; j++)
            {
                m[j] = b1 * m[j] + (1 - b1) * g[j];
                v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
                w[j] = w[j] * decay - stepSize * m[j] / (MathF.Sqrt(v[j]) / rootC2 + eps);
            }

            p.Value.ZeroGrad();
        }
    }

    /// <summary>
    /// Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before
    /// clipping (NaN when a gradient is not finite, which the trainer reports as divergence).
    /// </summary>
    public static double ClipGradients(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.Value.Grad is { } g)
            {
                foreach (float x in g) sum += (double)x * x;
            }
        }

        double norm = Math.Sqrt(sum);
        if (!double.IsFinite(norm)) return double.NaN;
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / norm);
            foreach (var p in parameters)
            {
                if (p.Value.Grad is { } g) System.Numerics.Tensors.TensorPrimitives.Multiply(g, scale, g);
            }
        }

        return norm;
    }
}
