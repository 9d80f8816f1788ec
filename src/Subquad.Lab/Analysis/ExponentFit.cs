namespace Subquad.Lab.Analysis;

/// <summary>
/// A fitted exponent: cost ~ n^Slope for (family, kind), with what was fitted ("flops", "time", "flops at target"),
/// its bootstrap 95% interval over instances (null where there is nothing to resample, e.g. a budget) and R^2 in
/// <see cref="Fit"/>.
/// </summary>
public sealed record ExponentFit(string Family, string Kind, string Quantity, LogLogFit Fit, int LargestN, double? Ci95Low = null, double? Ci95High = null);
