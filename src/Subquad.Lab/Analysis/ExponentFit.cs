namespace Subquad.Lab.Analysis;

/// <summary>A fitted exponent: cost ~ n^Slope for (family, kind), with what was fitted ("flops at 99%", "time").</summary>
public sealed record ExponentFit(string Family, string Kind, string Quantity, LogLogFit Fit, int LargestN);
