namespace Subquad.Learn.Training;

/// <summary>What a run did: steps taken, loss curve (every step), final loss, whether it diverged (a NaN loss or gradient), and time.</summary>
public sealed record TrainingResult(int Steps, IReadOnlyList<float> Losses, bool Diverged, double TrainTimeMs, bool Cancelled)
{
    /// <summary>Mean loss over the last tenth of the steps (NaN when diverged).</summary>
    public double FinalLoss => Losses.Count == 0 ? double.NaN : Losses.Skip(Losses.Count - Math.Max(1, Losses.Count / 10)).Average(x => (double)x);
}
