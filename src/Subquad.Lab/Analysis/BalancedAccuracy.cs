namespace Subquad.Lab.Analysis;

/// <summary>
/// Recall (right on yes-instances), specificity (right on no-instances) and their mean, the balanced accuracy, with a
/// 95% interval. A contender that always says yes has recall 1, specificity 0 and balanced accuracy 0.5 whatever the
/// yes rate, which is why the duel decides on this number and not on plain accuracy.
/// </summary>
/// <remarks>
/// Interval: Wilson's score interval at the effective sample size of the mean of two independent proportions
/// (Kish): n_eff = 4 / (1/n_yes + 1/n_no), successes = rate x n_eff. With equal classes n_eff = n_yes + n_no and the
/// interval is the Wilson interval of plain accuracy; an all-correct cell of 200 + 200 instances has lower bound
/// 400 / (400 + z^2) = 0.990. With one class empty (an easy family) it is that class's Wilson interval, flagged by
/// <see cref="OneClass"/>.
/// </remarks>
public sealed record BalancedAccuracy(Proportion Recall, Proportion Specificity)
{
    /// <summary>True when one class has no instances: the balanced accuracy is then the other class's rate.</summary>
    public bool OneClass => Recall.Trials == 0 || Specificity.Trials == 0;

    /// <summary>Instances counted.</summary>
    public int Trials => Recall.Trials + Specificity.Trials;

    /// <summary>Right answers counted.</summary>
    public int Correct => Recall.Successes + Specificity.Successes;

    /// <summary>(recall + specificity) / 2, or the one class's rate, NaN when empty.</summary>
    public double Rate => Trials == 0 ? double.NaN
        : Recall.Trials == 0 ? Specificity.Rate
        : Specificity.Trials == 0 ? Recall.Rate
        : (Recall.Rate + Specificity.Rate) / 2;

    /// <summary>Effective sample size of <see cref="Rate"/> (see remarks).</summary>
    public double EffectiveTrials => Trials == 0 ? 0
        : OneClass ? Trials
        : 4.0 / ((1.0 / Recall.Trials) + (1.0 / Specificity.Trials));

    /// <summary>Lower 95% bound.</summary>
    public double Ci95Low => Trials == 0 ? 0 : Proportion.Wilson(Rate * EffectiveTrials, EffectiveTrials).Low;

    /// <summary>Upper 95% bound.</summary>
    public double Ci95High => Trials == 0 ? 1 : Proportion.Wilson(Rate * EffectiveTrials, EffectiveTrials).High;

    /// <summary>From (truth, correct) pairs of decided instances.</summary>
    public static BalancedAccuracy From(IEnumerable<(bool Truth, bool Correct)> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        int yes = 0, yesRight = 0, no = 0, noRight = 0;
        foreach (var (truth, correct) in outcomes)
        {
            if (truth)
            {
                yes++;
                if (correct) yesRight++;
            }
            else
            {
                no++;
                if (correct) noRight++;
            }
        }

        return new BalancedAccuracy(new Proportion(yesRight, yes), new Proportion(noRight, no));
    }

    /// <inheritdoc/>
    public override string ToString() => Trials == 0 ? "n/a"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Rate:0.000} [{Ci95Low:0.000}, {Ci95High:0.000}]");
}
