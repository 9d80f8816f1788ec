namespace Subquad.Lab.Zoo;

/// <summary>Where a sweep is: runs done of total, and what runs now (with its training step).</summary>
public sealed record ZooProgress(int Done, int Total, string Stage);
