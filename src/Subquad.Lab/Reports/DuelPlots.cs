using System.Globalization;
using ScottPlot;
using Subquad.Lab.Analysis;
using Subquad.Lab.Duel;

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

    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond, MarkerShape.Cross, MarkerShape.Eks, MarkerShape.Asterisk];

    /// <summary>Colour and marker of series number i: the palette cycles every 10, the markers every 11, so no two of the first 110 series share both.</summary>
    private static void Style(ScottPlot.Plottables.Scatter scatter, int i)
    {
        scatter.Color = new ScottPlot.Palettes.Category10().GetColor(i);
        scatter.MarkerShape = Shapes[i % Shapes.Length];
        scatter.MarkerSize = 8;
    }

    /// <summary>Writes every figure into <paramref name="directory"/>; returns (title, file stem) per figure, in order.</summary>
    public static IReadOnlyList<(string Title, string Stem)> Write(DuelSummary summary, string directory, string problem = "OV")
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(directory);
        var written = new List<(string, string)>();
        var families = summary.Cells.Select(c => c.Family).Distinct().ToList();
        string p = Slug(problem);
        foreach (string family in families)
        {
            string f = Slug(family);
            string stem = $"{p}-{f}-accuracy";
            if (AccuracyPlot(summary, family, problem, Path.Combine(directory, stem))) written.Add(($"{problem}, {family}: balanced accuracy versus n at fixed budgets (95% Wilson bars)", stem));
            stem = $"{p}-{f}-time";
            if (TimePlot(summary, family, problem, Path.Combine(directory, stem))) written.Add(($"{problem}, {family}: time versus n (log-log, fitted slopes, n^1 and n^2 references)", stem));
            foreach (string kind in DuelSummary.LadderKinds)
            {
                stem = $"{p}-{f}-budget-{Slug(kind)}";
                if (BudgetPlot(summary, family, kind, problem, Path.Combine(directory, stem))) written.Add(($"{problem}, {family}: {kind} budget for the target versus n (log-log)", stem));
            }

            foreach (int n in summary.Cells.Where(c => c.Family == family).Select(c => c.N).Distinct().Order())
            {
                foreach (var (unit, kinds) in AccuracyVersusBudgetUnits(summary, family, n))
                {
                    stem = $"{p}-{f}-n{n}-accuracy-vs-{Slug(unit)}";
                    AccuracyVersusBudgetPlot(summary, family, n, unit, kinds, problem, Path.Combine(directory, stem));
                    written.Add(($"{problem}, {family}, n = {n}: balanced accuracy versus {unit}", stem));
                }
            }

            stem = $"{p}-{f}-onepass-heatmap";
            if (OnePassHeatmap(summary, family, problem, Path.Combine(directory, stem))) written.Add(($"{problem}, {family}: one-pass balanced accuracy (best strategy per cell) versus state bits S and n, with n l and the one-pass bound", stem));

            stem = $"{p}-{f}-pareto";
            if (ParetoPlot(summary, family, problem, Path.Combine(directory, stem))) written.Add(($"{problem}, {family}: balanced accuracy versus flops (every rung, every n)", stem));
        }

        return written;
    }

    private static string Slug(string text) => new(text.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray());

    private static void ErrorBars(Plot plot, double[] xs, IReadOnlyList<AccuracyCell> cells, ScottPlot.Color color)
    {
        var ys = cells.Select(c => c.Rate).ToArray();
        var bar = plot.Add.ErrorBar(xs, ys, cells.Select(c => c.Rate - c.Accuracy.Ci95Low).ToArray());
        bar.YErrorPositive = cells.Select(c => c.Accuracy.Ci95High - c.Rate).ToArray();
        bar.YErrorNegative = cells.Select(c => c.Rate - c.Accuracy.Ci95Low).ToArray();
        bar.Color = color;
    }

    private static bool AccuracyPlot(DuelSummary summary, string family, string problem, string path)
    {
        var plot = new Plot();
        int series = 0;
        foreach (string kind in Kinds(summary, family))
        {
            var cells = summary.AccuracyAtFixedBudget(family, kind).Where(c => c.Decided > 0).ToList();
            if (cells.Count == 0) continue;
            double[] xs = cells.Select(c => Math.Log2(c.N) + (0.02 * series)).ToArray();
            var scatter = plot.Add.Scatter(xs, cells.Select(c => c.Rate).ToArray());
            Style(scatter, series);
            ErrorBars(plot, xs, cells, scatter.Color);
            scatter.LegendText = cells[0].Budget is null ? kind : $"{kind} @ {cells[0].Budget}";
            series++;
        }

        if (series == 0) return false;
        plot.Title($"{problem}, {family}: balanced accuracy at a fixed budget");
        plot.XLabel("n (log scale)");
        plot.YLabel("balanced accuracy (95% Wilson)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.SetLimitsY(0.3, 1.05);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static bool TimePlot(DuelSummary summary, string family, string problem, string path)
    {
        var plot = new Plot();
        int series = 0;
        var kinds = Kinds(summary, family).SelectMany(k => k == "mamba"
            ? summary.Cells.Where(c => c.Family == family && c.Kind == k).Select(c => DuelSummary.MambaKind(k, c.Budget)).Distinct()
            : [k]);
        double minN = double.MaxValue, maxN = 0, anchor = double.NaN;
        foreach (string kind in kinds)
        {
            bool reference = DuelSummary.ReferenceKinds.Contains(kind) || kind.StartsWith("mamba", StringComparison.Ordinal);
            List<(double N, double Ms)> points = reference
                ? summary.Cells.Where(c => c.Family == family && c.Batch == 0 && DuelSummary.MambaKind(c.Kind, c.Budget) == kind).GroupBy(c => c.N).Select(g => ((double)g.Key, g.Average(c => c.MedianTimeMs))).ToList()
                : summary.Requirements.Where(r => r.Family == family && r.Kind == kind && r.Budget is not null).Select(r => ((double)r.N, r.MedianTimeMs)).ToList();
            points = points.Where(p => p.Ms > 0 && double.IsFinite(p.Ms)).OrderBy(p => p.N).ToList();
            if (points.Count == 0) continue;
            minN = Math.Min(minN, points[0].N);
            maxN = Math.Max(maxN, points[^1].N);
            if (kind == "exact" || double.IsNaN(anchor)) anchor = points[0].Ms;
            var fit = summary.FitFor(family, kind, reference ? "time" : "time at target");
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log2(p.N)).ToArray(), points.Select(p => Math.Log10(p.Ms)).ToArray());
            Style(scatter, series);
            scatter.LineWidth = 0;
            scatter.LegendText = (reference ? kind : $"{kind} @ target") + (fit is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (slope {fit.Fit.Slope:F2}{(fit.Ci95Low is { } lo ? $" [{lo:F2}, {fit.Ci95High:F2}]" : "")})"));
            if (fit is not null && points.Count >= 2)
            {
                double a = points[0].N, b = points[^1].N;
                var line = plot.Add.Scatter(new[] { Math.Log2(a), Math.Log2(b) }, new[] { Math.Log10(fit.Fit.At(a)), Math.Log10(fit.Fit.At(b)) }, scatter.Color);
                line.LineWidth = 1;
                line.MarkerSize = 0;
            }

            series++;
        }

        if (series == 0) return false;
        if (maxN > minN)
        {
            // Reference slopes through the first point: n^1 (linear) and n^2 (quadratic).
            foreach (var (exponent, label) in new[] { (1.0, "n^1 reference"), (2.0, "n^2 reference") })
            {
                var line = plot.Add.Scatter(new[] { Math.Log2(minN), Math.Log2(maxN) }, new[] { Math.Log10(anchor), Math.Log10(anchor) + (exponent * Math.Log10(maxN / minN)) }, ScottPlot.Colors.Gray);
                line.LineWidth = exponent == 1 ? 1 : 3;
                line.MarkerSize = 0;
                line.LegendText = label;
            }
        }

        plot.Title($"{problem}, {family}: time per instance");
        plot.XLabel("n (log scale)");
        plot.YLabel("milliseconds (log scale; median per instance)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.Left.TickGenerator = PowerTicks(10);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static bool BudgetPlot(DuelSummary summary, string family, string kind, string problem, string path)
    {
        var points = summary.Requirements.Where(r => r.Family == family && r.Kind == kind && r.Budget is > 0).OrderBy(r => r.N).ToList();
        if (points.Count == 0) return false;
        var plot = new Plot();
        var fit = summary.FitFor(family, kind, "budget at target");
        var scatter = plot.Add.Scatter(points.Select(p => Math.Log2(p.N)).ToArray(), points.Select(p => Math.Log2(p.Budget!.Value)).ToArray());
        Style(scatter, 0);
        scatter.LegendText = kind + (fit is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (slope {fit.Fit.Slope:F2}, R^2 {fit.Fit.RSquared:F2})"));
        plot.Title($"{problem}, {family}: {kind} budget for the target");
        plot.XLabel("n (log scale)");
        plot.YLabel($"{Unit(kind)} (log scale)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.Left.TickGenerator = PowerTicks(2);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static string Unit(string kind) =>
        kind.StartsWith("onepass", StringComparison.Ordinal) ? DuelContenders.Record("onepass").BudgetUnit
        : DuelContenders.Kinds.Contains(kind) ? DuelContenders.Record(kind).BudgetUnit : "budget";

    private static List<(string Unit, List<string> Kinds)> AccuracyVersusBudgetUnits(DuelSummary summary, string family, int n) =>
        summary.Cells.Where(c => c.Family == family && c.N == n && c.Batch == 0 && c.Budget is > 0 && DuelSummary.LadderKinds.Contains(c.Kind) && c.Decided > 0)
            .GroupBy(c => Unit(c.Kind)).Select(g => (g.Key, g.Select(c => c.Kind).Distinct().ToList())).ToList();

    private static void AccuracyVersusBudgetPlot(DuelSummary summary, string family, int n, string unit, List<string> kinds, string problem, string path)
    {
        var plot = new Plot();
        int series = 0;
        foreach (string kind in kinds)
        {
            var cells = summary.Cells.Where(c => c.Family == family && c.N == n && c.Batch == 0 && c.Kind == kind && c.Budget is > 0 && c.Decided > 0).OrderBy(c => c.Budget).ToList();
            double[] xs = cells.Select(c => Math.Log2(c.Budget!.Value)).ToArray();
            var scatter = plot.Add.Scatter(xs, cells.Select(c => c.Rate).ToArray());
            Style(scatter, series++);
            ErrorBars(plot, xs, cells, scatter.Color);
            scatter.LegendText = kind;
        }

        plot.Title($"{problem}, {family}, n = {n}: balanced accuracy versus {unit}");
        plot.XLabel($"{unit} (log scale)");
        plot.YLabel("balanced accuracy (95% Wilson)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(2);
        plot.Axes.SetLimitsY(0.3, 1.05);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
    }

    private static bool ParetoPlot(DuelSummary summary, string family, string problem, string path)
    {
        var plot = new Plot();
        int series = 0;
        foreach (var kind in summary.Cells.Where(c => c.Family == family && c.Batch == 0 && c.Decided > 0 && c.MeanFlops > 0 && !c.Kind.StartsWith("onepass", StringComparison.Ordinal) && c.Kind != "mamba").GroupBy(c => c.Kind))
        {
            var cells = kind.OrderBy(c => c.MeanFlops).ToList();
            double[] xs = cells.Select(c => Math.Log10(c.MeanFlops)).ToArray();
            var scatter = plot.Add.ScatterPoints(xs, cells.Select(c => c.Rate).ToArray());
            Style(scatter, series++);
            ErrorBars(plot, xs, cells, scatter.Color);
            scatter.LegendText = kind.Key;
        }

        if (series == 0) return false;
        plot.Title($"{problem}, {family}: balanced accuracy versus cost");
        plot.XLabel("flops per instance (log scale)");
        plot.YLabel("balanced accuracy (95% Wilson)");
        plot.Axes.Bottom.TickGenerator = PowerTicks(10);
        plot.Axes.SetLimitsY(0.3, 1.05);
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static IEnumerable<string> Kinds(DuelSummary summary, string family) =>
        summary.Cells.Where(c => c.Family == family).Select(c => c.Kind).Distinct();

    /// <summary>
    /// The one-pass heatmap: for every n (columns) and S = 2^k bits (rows), the best balanced accuracy any one-pass
    /// strategy reached on the main batch (blank where no strategy ran that S: above the first confirmed rung or below the
    /// first rung), the value written in each cell; beside it the line S = n l (every document kept) and the one-pass
    /// lower bound S = m at the cells' l (<see cref="StateLimit.DisjointnessBound"/>).
    /// </summary>
    private static bool OnePassHeatmap(DuelSummary summary, string family, string problem, string path)
    {
        var cells = summary.Cells.Where(c => c.Family == family && c.Batch == 0 && c.Budget is > 0 && c.Decided > 0 && DuelSummary.OnePassKinds.Contains(c.Kind)).ToList();
        if (cells.Count == 0) return false;
        var sizes = cells.Select(c => c.N).Distinct().Order().ToList();
        // Above the first S whose best strategy was confirmed the exact strategies stop (only a lossy one may go on), so
        // those cells are left blank rather than shown at the lossy strategy's accuracy.
        var top = sizes.ToDictionary(n => n, n => summary.Requirements.FirstOrDefault(r => r.Family == family && r.N == n && r.Kind == "onepass-best")?.Budget ?? long.MaxValue);
        var best = cells.Where(c => c.Budget <= top[c.N]).GroupBy(c => (c.N, K: (int)Math.Round(Math.Log2(c.Budget!.Value)))).ToDictionary(g => g.Key, g => g.Max(c => c.Rate));
        var plot = new Plot();
        var range = new ScottPlot.Range(0.5, 1.0);
        var colormap = new ScottPlot.Colormaps.Viridis();
        // The colour bar reads its scale from a heatmap; the cells themselves are drawn as rectangles centred on (n, log2 S).
        var scale = plot.Add.Heatmap(new double[,] { { 0.5, 1.0 } });
        scale.Colormap = colormap;
        scale.ManualRange = range;
        scale.IsVisible = false;
        var bar = plot.Add.ColorBar(scale);
        bar.Label = "balanced accuracy (0.5 = chance)";
        foreach (var ((n, k), rate) in best)
        {
            double x = sizes.IndexOf(n);
            var cell = plot.Add.Rectangle(x - 0.5, x + 0.5, k - 0.5, k + 0.5);
            cell.FillColor = colormap.GetColor(Math.Clamp(rate, 0.5, 1.0), range);
            cell.LineWidth = 0;
            var label = plot.Add.Text(rate.ToString("0.00", CultureInfo.InvariantCulture), x, k);
            label.LabelAlignment = Alignment.MiddleCenter;
            label.LabelFontSize = 10;
            label.LabelFontColor = rate > 0.8 ? Colors.Black : Colors.White;
        }

        var xs = Enumerable.Range(0, sizes.Count).Select(i => (double)i).ToArray();
        var all = plot.Add.Scatter(xs, sizes.Select(n => Math.Log2((double)n * summary.Dimensions(family, n))).ToArray());
        all.Color = Colors.Red;
        all.LineWidth = 2;
        all.MarkerShape = MarkerShape.FilledSquare;
        all.LegendText = "S = n l (every document kept)";
        var bound = plot.Add.Scatter(xs, sizes.Select(n => Math.Log2(Math.Max(1, StateLimit.DisjointnessBound.DeterministicBits(n, summary.Dimensions(family, n))))).ToArray());
        bound.Color = Colors.Orange;
        bound.LineWidth = 2;
        bound.LinePattern = LinePattern.Dashed;
        bound.MarkerShape = MarkerShape.FilledTriangleUp;
        bound.LegendText = "S = m (exact one-pass lower bound)";
        plot.Axes.Bottom.SetTicks(xs, sizes.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = PowerTicks(2);
        int kMin = best.Keys.Min(k => k.K), kMax = best.Keys.Max(k => k.K);
        plot.Axes.SetLimits(-0.5, sizes.Count - 0.5, kMin - 0.5, kMax + 0.5);
        plot.Title($"{problem}, {family}: one-pass balanced accuracy (best strategy) versus state S and n");
        plot.XLabel("documents n");
        plot.YLabel("state S (bits, log scale)");
        plot.ShowLegend(Edge.Bottom);
        Save(plot, path);
        return true;
    }

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
