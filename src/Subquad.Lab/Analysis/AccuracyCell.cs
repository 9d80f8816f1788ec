namespace Subquad.Lab.Analysis;

/// <summary>
/// One (family, contender, budget, n, batch) cell: recall, specificity and balanced accuracy with 95% intervals,
/// median time and mean operation count. <see cref="Control"/> marks an easy control family, <see cref="FullAttention"/>
/// a budget at which the heuristic saw every key; both are reported and left out of every fit.
/// </summary>
public sealed record AccuracyCell(string Family, string Kind, string Mixer, long? Budget, int N, int Batch, int Trials, BalancedAccuracy Accuracy, double MedianTimeMs, double MeanFlops, long StateBits, bool Control, bool FullAttention)
{
    /// <summary>Decided instances.</summary>
    public int Decided => Accuracy.Trials;

    /// <summary>Right answers.</summary>
    public int Correct => Accuracy.Correct;

    /// <summary>The balanced accuracy (NaN when nothing decided).</summary>
    public double Rate => Accuracy.Rate;
}
