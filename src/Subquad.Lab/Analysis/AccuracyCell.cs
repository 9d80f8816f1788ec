namespace Subquad.Lab.Analysis;

/// <summary>Accuracy, median time and mean operation count of one (family, contender, budget, n) cell.</summary>
public sealed record AccuracyCell(string Family, string Kind, string Mixer, long? Budget, int N, int Trials, int Decided, int Correct, double MedianTimeMs, double MeanFlops, long StateBits)
{
    /// <summary>Correct / decided (NaN when nothing decided).</summary>
    public double Accuracy => Decided == 0 ? double.NaN : (double)Correct / Decided;
}
