namespace Subquad.Learn.Training;

/// <summary>One training run's settings.</summary>
public sealed record TrainingConfig(int Steps, int Batch, double LearningRate, int Seed, double WeightDecay = 0.1, double ClipNorm = 1.0, double WarmupFraction = 0.1);
