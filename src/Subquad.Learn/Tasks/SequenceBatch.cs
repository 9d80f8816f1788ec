namespace Subquad.Learn.Tasks;

/// <summary>
/// A batch of sequences: inputs [Batch * Length, features] row-major, one target class per token (-1: no label).
/// </summary>
public sealed record SequenceBatch(float[] Inputs, int[] Targets, int Batch, int Length);
