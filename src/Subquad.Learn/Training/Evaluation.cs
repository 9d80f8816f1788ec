namespace Subquad.Learn.Training;

/// <summary>Held-out accuracy: labelled tokens right, and sequences with every labelled token right.</summary>
public sealed record Evaluation(long TokensCorrect, long Tokens, int SequencesCorrect, int Sequences);
