using ScottPlot;
using Subquad.Core.Problems;
using Subquad.Models.Precision;

namespace Subquad.Lab.Reports;

/// <summary>
/// The precision study as a figure (issue 5): significand bits each construction needs versus l, one line per
/// (problem, n). "Needs" is the smallest of bf16 (8), f16 (11), f32 (24), f64 (53) with no wrong answer in the
/// study's hardest-gap trials; a cell no format got right is drawn at 64.
/// </summary>
public static class PrecisionPlot
{
    /// <summary>Writes <paramref name="stem"/>.png and .svg; returns the two paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<PrecisionSweep.Cell> cells, string stem)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var plot = new Plot();
        foreach (var kind in cells.Select(c => c.Kind).Distinct())
        {
            foreach (int n in cells.Where(c => c.Kind == kind).Select(c => c.Documents).Distinct().Order())
            {
                var ls = cells.Where(c => c.Kind == kind && c.Documents == n).Select(c => c.Dimensions).Distinct().Order().ToArray();
                var bits = ls.Select(l => (double)(PrecisionSweep.BitsNeeded(cells, kind, n, l) ?? 64)).ToArray();
                var line = plot.Add.Scatter(ls.Select(l => Math.Log2(l)).ToArray(), bits);
                line.LegendText = $"{kind.PaperName()}, n = {n}";
            }
        }

        plot.Title("significand bits needed versus l (bf16 = 8, f16 = 11, f32 = 24, f64 = 53)");
        plot.XLabel("l (keywords)");
        plot.YLabel("bits needed");
        plot.Axes.Bottom.TickGenerator = DuelPlots.PowerTicks(2);
        plot.Axes.SetLimitsY(0, 66);
        plot.ShowLegend(Edge.Right);
        DuelPlots.Save(plot, stem);
        return [stem + ".png", stem + ".svg"];
    }
}
