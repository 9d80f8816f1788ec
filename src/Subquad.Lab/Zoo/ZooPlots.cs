using System.Globalization;
using ScottPlot;

namespace Subquad.Lab.Zoo;

/// <summary>
/// The zoo's figures, PNG and SVG: accuracy against state bits per n (Zoology's figure) with Wilson 95% error bars and
/// the bits needed to store every earlier document beside it; accuracy against n at each fixed width. Log axes are
/// drawn as log2 values with power-of-two tick labels.
/// </summary>
public static class ZooPlots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Writes the figures; returns (title, stem) per figure.</summary>
    public static IReadOnlyList<(string Title, string Stem)> Write(ZooResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<(string, string)>();
        var selected = result.Rows.Where(r => r.Selected).ToList();
        int index = 0;
        foreach (var group in selected.GroupBy(r => (r.Task, r.Family)))
        {
            foreach (int n in group.Select(r => r.N).Distinct().Order())
            {
                string stem = $"accuracy-vs-state-{++index}";
                var rows = group.Where(r => r.N == n).ToList();
                double bound = n * Learn.Tasks.PartnerFamily.Parse(group.Key.Family).BitsPerDocument;
                var onePass = result.OnePass.Where(p => p.Task == group.Key.Task && p.Family == group.Key.Family && p.N == n).OrderBy(p => p.StateBits).ToList();
                AccuracyVsState(rows, onePass, $"{group.Key.Task}/{group.Key.Family}, n = {n}", bound, n, Path.Combine(directory, stem));
                written.Add(($"Accuracy against state bits: {group.Key.Task}/{group.Key.Family}, n = {n}", stem));
            }

            string needStem = $"state-for-95-{++index}";
            if (StateFor95(group.ToList(), $"{group.Key.Task}/{group.Key.Family}", Path.Combine(directory, needStem)))
            {
                written.Add(($"State needed for 95% accuracy against n: {group.Key.Task}/{group.Key.Family}", needStem));
            }

            foreach (int width in group.Select(r => r.Width).Distinct().Order())
            {
                string stem = $"accuracy-vs-n-{++index}";
                AccuracyVsN(group.Where(r => r.Width == width).ToList(), $"{group.Key.Task}/{group.Key.Family}, width {width}", Path.Combine(directory, stem));
                written.Add(($"Accuracy against n at width {width}: {group.Key.Task}/{group.Key.Family}", stem));
            }
        }

        return written;
    }

    private static void AccuracyVsState(List<ZooRow> rows, List<ZooOnePassPoint> onePass, string title, double bound, int n, string stem)
    {
        var plot = new Plot();
        foreach (var mixer in rows.GroupBy(r => r.Mixer))
        {
            var points = Pool(mixer.GroupBy(r => r.StateBits).Select(g => ((double)g.Key, g.ToList()))).ToList();
            AddSeries(plot, mixer.Key, points);
        }

        // The one-pass strategy (keep the first K documents exactly, l bits each); K = 0 sits at 1 bit on the log axis.
        if (onePass.Count > 0)
        {
            var series = AddSeries(plot, $"one-pass keep-first (K docs × l bits; {onePass[0].Sequences} test seqs)", onePass.Select(p => ((double)Math.Max(1, p.StateBits), p.Accuracy)).ToList());
            if (series is not null)
            {
                series.LinePattern = LinePattern.Dotted;
                series.MarkerShape = MarkerShape.OpenSquare;
            }
        }

        var line = plot.Add.VerticalLine(Math.Log2(bound));
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"n·log2 C(l,w) = {bound:F0} bits (store every document)");
        line.LinePattern = LinePattern.Dashed;
        // Worst-case communication bound (Lab/StateLimit): any one-pass reader erring with probability ≤ 5% on every OV
        // instance of n vectors needs (1 − H2(0.05))·(n − 1) bits (one-way INDEX). A worst-case floor, not this family's.
        double comm = StateLimit.DisjointnessBound.RandomisedBits(n, 0.05);
        if (comm > 0)
        {
            var c = plot.Add.VerticalLine(Math.Log2(comm));
            c.LegendText = string.Create(CultureInfo.InvariantCulture, $"one-pass bound at 95%: {comm:F1} bits (worst case)");
            c.LinePattern = LinePattern.DenselyDashed;
        }

        Finish(plot, title, "state bits (float32 numbers × 32, all layers)", stem);
    }

    /// <summary>Smallest state reaching 95% (pooled seeds) against n per mixer, log-log, with the fitted exponent in the legend.</summary>
    private static bool StateFor95(List<ZooRow> rows, string title, string stem)
    {
        var plot = new Plot();
        bool any = false;
        foreach (var mixer in rows.Where(r => r.Selected).GroupBy(r => r.Mixer))
        {
            var points = ZooReport.StateFor95(mixer.ToList());
            if (points.Count == 0) continue;
            any = true;
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log2(p.N)).ToArray(), points.Select(p => Math.Log2(p.Bits)).ToArray());
            scatter.LegendText = $"{mixer.Key}: exponent {ZooReport.Exponent(points)}";
        }

        if (!any) return false;
        var sizes = rows.Select(r => r.N).Distinct().Order().ToArray();
        double perDoc = Learn.Tasks.PartnerFamily.Parse(rows[0].Family).BitsPerDocument;
        var store = plot.Add.Scatter(sizes.Select(n => Math.Log2(n)).ToArray(), sizes.Select(n => Math.Log2(n * perDoc)).ToArray());
        store.LegendText = "n·log2 C(l,w) (store every document; exponent 1)";
        store.LinePattern = LinePattern.Dashed;
        plot.Title(title + ": smallest state reaching 95% token accuracy");
        plot.XLabel("n (documents per sequence, log2 axis)");
        plot.YLabel("state bits (log2 axis)");
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => "2^" + v.ToString("0.#", CultureInfo.InvariantCulture) };
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => "2^" + v.ToString("0.#", CultureInfo.InvariantCulture) };
        plot.ShowLegend(Edge.Right);
        plot.SavePng(stem + ".png", Width, Height);
        plot.SaveSvg(stem + ".svg", Width, Height);
        return true;
    }

    private static void AccuracyVsN(List<ZooRow> rows, string title, string stem)
    {
        var plot = new Plot();
        foreach (var mixer in rows.GroupBy(r => r.Mixer))
        {
            AddSeries(plot, mixer.Key, Pool(mixer.GroupBy(r => r.N).Select(g => ((double)g.Key, g.ToList()))).ToList());
        }

        Finish(plot, title, "n (documents per sequence)", stem);
    }

    /// <summary>Pools the seeds of one point: successes and trials summed.</summary>
    private static IEnumerable<(double X, Proportion P)> Pool(IEnumerable<(double X, List<ZooRow> Rows)> groups) =>
        groups.Where(g => g.Rows.Any(r => !r.Diverged)).OrderBy(g => g.X).Select(g =>
            (g.X, Proportion.Of(g.Rows.Where(r => !r.Diverged).Sum(r => r.Accuracy.Successes), g.Rows.Where(r => !r.Diverged).Sum(r => r.Accuracy.Trials))));

    private static ScottPlot.Plottables.Scatter? AddSeries(Plot plot, string name, List<(double X, Proportion P)> points)
    {
        if (points.Count == 0) return null;
        double[] xs = points.Select(p => Math.Log2(p.X)).ToArray();
        double[] ys = points.Select(p => p.P.Rate).ToArray();
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.LegendText = name;
        // Wilson intervals are asymmetric: both sides set explicitly.
        var bars = plot.Add.ErrorBar(xs, ys, points.Select(p => p.P.Ci95High - p.P.Rate).ToArray());
        bars.YErrorPositive = points.Select(p => p.P.Ci95High - p.P.Rate).ToArray();
        bars.YErrorNegative = points.Select(p => p.P.Rate - p.P.Ci95Low).ToArray();
        bars.Color = scatter.Color;
        return scatter;
    }

    private static void Finish(Plot plot, string title, string xLabel, string stem)
    {
        plot.Title(title);
        plot.XLabel(xLabel + " (log2 axis)");
        plot.YLabel("accuracy on held-out labelled tokens (Wilson 95%)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => "2^" + v.ToString("0.#", CultureInfo.InvariantCulture) };
        plot.Axes.SetLimitsY(0.4, 1.02);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(stem + ".png", Width, Height);
        plot.SaveSvg(stem + ".svg", Width, Height);
    }
}
