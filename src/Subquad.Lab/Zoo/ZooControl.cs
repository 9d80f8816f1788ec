namespace Subquad.Lab.Zoo;

/// <summary>A baseline on the same held-out sequences: always-yes or always-no, per labelled token and per sequence.</summary>
public sealed record ZooControl(string Task, string Family, int N, string Name, Proportion Accuracy, Proportion SequenceAccuracy);
