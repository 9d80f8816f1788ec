namespace Subquad.Learn.Training;

/// <summary>Linear warm-up to the peak, then cosine decay to <see cref="MinFraction"/> of the peak at the last step.</summary>
public sealed record LearningRateSchedule(double Peak, int Steps, int WarmupSteps, double MinFraction = 0.1)
{
    /// <summary>The rate at step s (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        double progress = Steps <= WarmupSteps ? 1 : Math.Clamp((double)(step - WarmupSteps) / (Steps - WarmupSteps), 0, 1);
        double min = Peak * MinFraction;
        return min + 0.5 * (Peak - min) * (1 + Math.Cos(Math.PI * progress));
    }
}
