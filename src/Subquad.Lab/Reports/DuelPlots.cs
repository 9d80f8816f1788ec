using System.Globalization;
using ScottPlot;
using Subquad.Lab.Analysis;

namespace Subquad.Lab.Reports;

/// <summary>
/// The duel's figures, each written as PNG and SVG: accuracy versus n at the fixed budgets (one figure per family),
/// time versus n on log-log axes with the fitted slopes (reference rows and each heuristic at its budget for the
/// target), and the budget needed for the target versus n (log-log). Log axes are drawn by plotting log10 values
/// with tick labels written back as powers, which keeps the fitted lines straight and the labels honest.
/// </summary>
public static class DuelPlots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (title, file stem) per figure, in order.</summary>
    public static IReadOnlyList<(string Title, string Stem)> Write(DuelSummary summary, string directory)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(directory);
        var written = new List<(string, string)>();
        var families = summary.Cells.Select(c => c.Family).Distinct().ToList();
        foreach (var (family, index) in families.Select((f, i) => (f, i)))
        {
            string stem = $"accuracy-{index + 1}";
            if (AccuracyPlot(summary, family, Path.Combine(directory, stem))) written.Add(($"Accuracy versus n at fixed budgets: {family}", stem));
            stem = $"time-{index + 1}";
            if (TimePlot(summary, family, Path.Combine(directory, stem))) written.Add(($"Time versus n (log-log, fitted slopes): {family}", stem));
            stem = $"budget-{index + 1}";
            if (BudgetPlot(summary, family, Path.Combine(directory, stem))) written.Add(($"Budget for the target accuracy versus n (log-log): {family}", stem));
        }

        return written;
    }

    private static bool AccuracyPlot(DuelSummary summary, string family, string path)
    {
        var plot = new Plot();
        int series = 0;
        foreach (string kind in Kinds(summary, family))
        {
            var cells = summary.AccuracyAtFixedBudget(family, kind).Where(c => c.Decided > 0).ToList();
            if (cells.Count == 0) continue;
            var scatter = plot.Add.Scatter(cells.Select(c => Math.Log2(c.N)).ToArray(), cells.Select(c => c.Accuracy).ToArray());
            scatter.LegendText = cells[0].Budget is null ? kind : $"{kind} @ {cells[0].Budget}";
            series++;
        }

        if (series == 0) return false;
        plot.Title($"accuracy at fixed budget: {family}");
        plot.XLabel("n");
        plot.YLabel("accuracy");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static bool TimePlot(DuelSummary summary, string family, string path)
    {
        var plot = new Plot();
        int series = 0;
        var kinds = Kinds(summary, family).SelectMany(k => k == "mamba"
            ? summary.Cells.Where(c => c.Family == family && c.Kind == k).Select(c => DuelSummary.MambaKind(k, c.Budget)).Distinct()
            : [k]);
        foreach (string kind in kinds)
        {
            bool reference = DuelSummary.ReferenceKinds.Contains(kind) || kind.StartsWith("mamba", StringComparison.Ordinal);
            List<(double N, double Ms)> points = reference
                ? summary.Cells.Where(c => c.Family == family && DuelSummary.MambaKind(c.Kind, c.Budget) == kind).GroupBy(c => c.N).Select(g => ((double)g.Key, g.Average(c => c.MedianTimeMs))).ToList()
                : summary.Requirements.Where(r => r.Family == family && r.Kind == kind && r.Budget is not null).Select(r => ((double)r.N, r.MedianTimeMs)).ToList();
            points = points.Where(p => p.Ms > 0).OrderBy(p => p.N).ToList();
            if (points.Count == 0) continue;
            var fit = summary.FitFor(family, kind, reference ? "time" : "time at target");
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log2(p.N)).ToArray(), points.Select(p => Math.Log10(p.Ms)).ToArray());
            scatter.LegendText = (reference ? kind : $"{kind} @ target") + (fit is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (slope {fit.Fit.Slope:F2})"));
            if (fit is not null && points.Count >= 2)
            {
                double lo = points[0].N, hi = points[^1].N;
                var line = plot.Add.Scatter(new[] { Math.Log2(lo), Math.Log2(hi) }, new[] { Math.Log10(fit.Fit.At(lo)), Math.Log10(fit.Fit.At(hi)) }, scatter.Color);
                line.LinePattern = LinePattern.Dashed;
                line.MarkerSize = 0;
            }

            series++;
        }

        if (series == 0) return false;
        plot.Title($"time per instance: {family}");
        plot.XLabel("n (log scale)");
        plot.YLabel("milliseconds (log scale; median per instance)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.Left.TickGenerator = PowerTicks(10);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static bool BudgetPlot(DuelSummary summary, string family, string path)
    {
        var plot = new Plot();
        int series = 0;
        foreach (string kind in DuelSummary.LadderKinds)
        {
            var points = summary.Requirements.Where(r => r.Family == family && r.Kind == kind && r.Budget is > 0).OrderBy(r => r.N).ToList();
            if (points.Count == 0) continue;
            var fit = summary.FitFor(family, kind, "budget at target");
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log2(p.N)).ToArray(), points.Select(p => Math.Log2(p.Budget!.Value)).ToArray());
            scatter.LegendText = kind + (fit is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (slope {fit.Fit.Slope:F2})"));
            series++;
        }

        if (series == 0) return false;
        plot.Title($"budget for the target accuracy: {family}");
        plot.XLabel("n (log scale)");
        plot.YLabel("budget, kind's unit (log scale)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.Left.TickGenerator = PowerTicks(2);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static IEnumerable<string> Kinds(DuelSummary summary, string family) =>
        summary.Cells.Where(c => c.Family == family).Select(c => c.Kind).Distinct();

    internal static ScottPlot.TickGenerators.NumericAutomatic PowerTicks(int logBase) => new()
    {
        IntegerTicksOnly = true,
        LabelFormatter = value => Math.Pow(logBase, value).ToString("G4", CultureInfo.InvariantCulture),
    };

    internal static void Save(Plot plot, string stem)
    {
        plot.SavePng(stem + ".png", Width, Height);
        plot.SaveSvg(stem + ".svg", Width, Height);
    }
}
