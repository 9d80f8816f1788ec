using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Mean softmax cross-entropy over the labelled rows (target -1 = unlabelled, ignored, as PyTorch's ignore_index).
/// Backward: (softmax - onehot) / labelled count.
/// </summary>
public static class CrossEntropy
{
    /// <summary>The scalar loss [1x1]; 0 when no row is labelled.</summary>
    public static Tensor Apply(Tape tape, Tensor logits, int[] targets)
    {
        if (targets.Length != logits.Rows) throw new ArgumentException($"cross-entropy: {targets.Length} targets for {logits}");
        int m = logits.Rows, v = logits.Cols;
        var probs = tape.Scratch(m * v);
        int labelled = 0;
        double loss = 0;
        for (int i = 0; i < m; i++)
        {
            int t = targets[i];
            if (t < 0) continue;
            if (t >= v) throw new ArgumentOutOfRangeException(nameof(targets), t, $"target outside {v} classes");
            var z = logits.Row(i);
            Real max = Real.NegativeInfinity;
            for (int j = 0; j < v; j++) max = RealMath.Max(max, z[j]);
            double sum = 0;
            for (int j = 0; j < v; j++) sum += probs[i * v + j] = RealMath.Exp(z[j] - max);
            for (int j = 0; j < v; j++) probs[i * v + j] = (Real)(probs[i * v + j] / sum);
            loss += Math.Log(sum) + max - z[t];
            labelled++;
        }

        var y = tape.Output(1, 1, logits);
        y.Data[0] = labelled == 0 ? (Real)0 : (Real)(loss / labelled);
        tape.Record(y, () =>
        {
            if (labelled == 0) return;
            var dz = logits.GradBuffer();
            Real g = y.Grad![0] / labelled;
            for (int i = 0; i < m; i++)
            {
                int t = targets[i];
                if (t < 0) continue;
                for (int j = 0; j < v; j++) dz[i * v + j] += g * (probs[i * v + j] - (j == t ? (Real)1 : (Real)0));
            }
        });
        return y;
    }

    /// <summary>Float64 scalar reference.</summary>
    public static class Reference
    {
        /// <summary>Mean cross-entropy over labelled rows.</summary>
        public static double Forward(double[] logits, int[] targets, int v)
        {
            double loss = 0;
            int labelled = 0;
            for (int i = 0; i < targets.Length; i++)
            {
                if (targets[i] < 0) continue;
                double max = double.NegativeInfinity;
                for (int j = 0; j < v; j++) max = Math.Max(max, logits[i * v + j]);
                double sum = 0;
                for (int j = 0; j < v; j++) sum += Math.Exp(logits[i * v + j] - max);
                loss += Math.Log(sum) + max - logits[i * v + targets[i]];
                labelled++;
            }

            return labelled == 0 ? 0 : loss / labelled;
        }
    }
}
