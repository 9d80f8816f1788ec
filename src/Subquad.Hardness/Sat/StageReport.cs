namespace Subquad.Hardness.Sat;

/// <summary>One stage of a decided chain: what it built and how long it took.</summary>
/// <param name="Name">The stage.</param>
/// <param name="Reference">The paper's number.</param>
/// <param name="Queries">Queries passed down (the solve stage: 1 per call it answered).</param>
/// <param name="Vectors">Rows built by the stage (over all asked queries).</param>
/// <param name="Dimensions">Largest dimension built.</param>
/// <param name="Pairs">Candidate pairs over the asked queries.</param>
/// <param name="Seconds">Time in the stage itself.</param>
public sealed record StageReport(string Name, string Reference, long Queries, long Vectors, int Dimensions, long Pairs, double Seconds);
