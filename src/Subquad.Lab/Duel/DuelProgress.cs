namespace Subquad.Lab.Duel;

/// <summary>Where a running duel is: the stage just finished and units done out of the total (one unit = one contender's ladder on one (family, n)).</summary>
public readonly record struct DuelProgress(string Stage, int Done, int Total);
