using System.Globalization;
using System.Text;
using Subquad.Lab.Analysis;
using Subquad.Lab.Duel;

namespace Subquad.Lab.Reports;

/// <summary>
/// report.md: what was run, the reference rows, accuracy versus n at the fixed budgets, the budget each heuristic
/// needed for the target versus n with the exponents that implies, the state-size limit, and the plots. Numbers only
/// as measured; where a cell was not run or not reached it says so.
/// </summary>
public static class DuelReport
{
    /// <summary>The markdown text.</summary>
    public static string Render(DuelResult result, DuelSummary summary, IReadOnlyList<(string Title, string Stem)> plots)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(summary);
        var e = result.Experiment;
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# Subquad duel: the transformer against its subquadratic alternatives");
        text.AppendLine();
        text.AppendLine(inv, $"- problem: **{e.ToProblem()}**{(e.Bichromatic ? " (bichromatic, n/2 per side)" : "")}; l = max({e.MinDimensions}, ceil({e.DimensionFactor} log2 n))");
        text.AppendLine(inv, $"- sizes n: {string.Join(", ", e.Sizes)}; {e.Trials} instances per (family, n); master seed {e.Seed}; target accuracy {e.TargetAccuracy:P0}");
        text.AppendLine(inv, $"- construction: {result.Construction ?? "none wired (transformer and attention-heuristic rows are absent)"}");
        text.AppendLine(inv, $"- run: {(result.Completed ? "complete" : "**cancelled: partial results**")}, {result.Rows.Count} rows, {result.ElapsedSeconds:F1} s");
        foreach (string line in result.Skipped) text.AppendLine(inv, $"- skipped: {line}");
        text.AppendLine();
        text.AppendLine("Budgets: window = W keys each side, lsh = hash rounds (buckets = n/32), performer = random features, linformer = rank, clustered = k-means clusters, taylor = order of the exp-kernel Taylor map (non-causal linear attention), linear-causal = the same map in causal recurrent linear attention reading the sentinel first (its state is in the rows), onepass = state bits S. Every heuristic runs on the construction's own Q, K, V with the sentinel row as its only global token; the one-pass strategy is what any recurrent model with S bits of state can at best do by keeping what fits.");
        text.AppendLine();

        var families = summary.Cells.Select(c => c.Family).Distinct().ToList();
        var sizes = e.Sizes.OrderBy(n => n).ToList();

        text.AppendLine("## Reference rows: exact engine and transformer");
        text.AppendLine();
        text.AppendLine("| family | row | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " | time exponent |");
        text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---|")) + "---|");
        foreach (string family in families)
        {
            foreach (string kind in DuelSummary.ReferenceKinds)
            {
                var cells = summary.Cells.Where(c => c.Family == family && c.Kind == kind).ToDictionary(c => c.N);
                if (cells.Count == 0) continue;
                var fit = summary.FitFor(family, kind, "time");
                var yes = result.Rows.Where(r => r.Family == family && r.Kind == "exact").GroupBy(r => r.N).ToDictionary(g => g.Key, g => g.Count(r => r.Truth));
                text.Append(inv, $"| {family} | {kind} |");
                foreach (int n in sizes)
                {
                    text.Append(cells.TryGetValue(n, out var c)
                        ? string.Create(inv, $" {Pct(c.Accuracy)}, {c.MedianTimeMs:G3} ms{(kind == "exact" && yes.TryGetValue(n, out int y) ? $", {y}/{c.Trials} yes" : "")} |")
                        : " - |");
                }

                text.AppendLine(inv, $" {Slope(fit)} |");
            }
        }

        text.AppendLine();
        text.AppendLine("## Accuracy versus n at a fixed budget");
        text.AppendLine();
        foreach (string family in families)
        {
            text.AppendLine(inv, $"### {family}");
            text.AppendLine();
            text.AppendLine("| contender | budget | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " |");
            text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---|")));
            foreach (string kind in summary.Cells.Where(c => c.Family == family).Select(c => c.Kind).Distinct())
            {
                var cells = summary.AccuracyAtFixedBudget(family, kind).ToDictionary(c => c.N);
                if (cells.Count == 0 || cells.Values.All(c => c.Decided == 0)) continue;
                long? budget = cells.Values.First().Budget;
                text.Append(inv, $"| {kind} | {(budget is null ? "-" : budget.ToString())} |");
                foreach (int n in sizes) text.Append(cells.TryGetValue(n, out var c) ? $" {Pct(c.Accuracy)} |" : " - |");
                text.AppendLine();
            }

            text.AppendLine();
        }

        text.AppendLine("### How they fail, at the fixed budget (all n together)");
        text.AppendLine();
        text.AppendLine("A wrong yes is a no-instance the contender called yes (for the attention heuristics: losing the sentinel's weight or inflating a far document's); a wrong no is a missed witness.");
        text.AppendLine();
        text.AppendLine("| family | contender | budget | wrong yes / no-instances | wrong no / yes-instances |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (string family in families)
        {
            foreach (string kind in summary.Cells.Where(c => c.Family == family && !DuelSummary.ReferenceKinds.Contains(c.Kind)).Select(c => c.Kind).Distinct())
            {
                long? budget = summary.AccuracyAtFixedBudget(family, kind).Select(c => c.Budget).FirstOrDefault();
                var rows = result.Rows.Where(r => r.Family == family && r.Kind == kind && r.Budget == budget && r.Correct is not null).ToList();
                if (rows.Count == 0) continue;
                int no = rows.Count(r => !r.Truth), yes = rows.Count(r => r.Truth);
                text.AppendLine(inv, $"| {family} | {kind} | {budget} | {rows.Count(r => !r.Truth && r.Answer == true)}/{no} | {rows.Count(r => r.Truth && r.Answer == false)}/{yes} |");
            }
        }

        text.AppendLine();
        text.AppendLine(inv, $"## Budget needed for {e.TargetAccuracy:P0} accuracy versus n, and the exponents it implies");
        text.AppendLine();
        text.AppendLine("A cell is the smallest budget on the ladder whose accuracy reached the target; \"> B (a%)\" means the largest budget tried, B, reached only a% (ladders stop where the heuristic's cost passes twice full attention's). Exponents are least-squares slopes of log cost against log n over the sizes where the target was reached; full attention is 2.");
        text.AppendLine();
        foreach (string family in families)
        {
            var reqs = summary.Requirements.Where(r => r.Family == family).ToList();
            if (reqs.Count == 0) continue;
            text.AppendLine(inv, $"### {family}");
            text.AppendLine();
            text.AppendLine("| contender | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " | budget exponent | flops exponent | time exponent |");
            text.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---|")) + "---|---|---|");
            foreach (string kind in DuelSummary.LadderKinds)
            {
                var byN = reqs.Where(r => r.Kind == kind).ToDictionary(r => r.N);
                if (byN.Count == 0) continue;
                text.Append(inv, $"| {kind} |");
                foreach (int n in sizes)
                {
                    text.Append(!byN.TryGetValue(n, out var r) ? " - |"
                        : r.Budget is { } b ? $" {b} |"
                        : string.Create(inv, $" > {r.LargestTried} ({Pct(r.AccuracyAtLargest)}) |"));
                }

                text.AppendLine(inv, $" {Slope(summary.FitFor(family, kind, "budget at target"))} | {Slope(summary.FitFor(family, kind, "flops at target"))} | {Slope(summary.FitFor(family, kind, "time at target"))} |");
            }

            text.AppendLine();
        }

        var onePassCells = summary.Cells.Where(c => c.Kind == "onepass" && c.Budget is not null).ToList();
        if (onePassCells.Count > 0)
        {
            text.AppendLine("## The state-size limit: one-pass accuracy against S and n");
            text.AppendLine();
            text.AppendLine("Any recurrent model is a one-pass algorithm whose memory is its state. Accuracy of keeping what fits in S bits (\"-\": not run, above the first S that reached the target, or below the first that holds one vector).");
            text.AppendLine();
            foreach (string family in families)
            {
                var cells = onePassCells.Where(c => c.Family == family).ToList();
                if (cells.Count == 0) continue;
                text.AppendLine(inv, $"### {family}");
                text.AppendLine();
                text.AppendLine("| S (bits) | " + string.Join(" | ", sizes.Select(n => $"n={n} (n l = {n * e.DimensionsFor(n)})")) + " |");
                text.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---|")));
                foreach (long bits in cells.Select(c => c.Budget!.Value).Distinct().Order())
                {
                    var byN = cells.Where(c => c.Budget == bits).ToDictionary(c => c.N);
                    text.Append(inv, $"| {bits} |");
                    foreach (int n in sizes) text.Append(byN.TryGetValue(n, out var c) ? $" {Pct(c.Accuracy)} |" : " - |");
                    text.AppendLine();
                }

                text.AppendLine();
            }
        }

        var mambaRows = result.Rows.Where(r => r.Kind is "mamba" or "onepass@mamba").ToList();
        if (mambaRows.Count > 0)
        {
            text.AppendLine("## The state-size limit: Mamba");
            text.AppendLine();
            text.AppendLine("Mamba has no trained weights here, so it answers nothing; its row is its measured forward time over the n documents and its state size. The one-pass strategy at exactly that many bits bounds what keeping vectors in such a state can achieve.");
            text.AppendLine();
            text.AppendLine("| family | n | Mamba | state bits | documents that fit (S / l) | forward time (median) | one-pass accuracy at that state |");
            text.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var group in mambaRows.GroupBy(r => (r.Family, r.N, r.Budget)).OrderBy(g => g.Key.Family).ThenBy(g => g.Key.N))
            {
                var m = group.Where(r => r.Kind == "mamba").ToList();
                var bound = group.Where(r => r.Kind == "onepass@mamba").ToList();
                if (m.Count == 0) continue;
                double accuracy = bound.Count == 0 ? double.NaN : (double)bound.Count(r => r.Correct == true) / bound.Count;
                text.AppendLine(inv, $"| {group.Key.Family} | {group.Key.N} | {m[0].Mixer} | {m[0].StateBits} | {m[0].StateBits / m[0].Dimensions}{(m[0].StateBits / m[0].Dimensions >= group.Key.N ? " (all)" : "")} | {DuelSummary.Median(m.Select(r => r.TimeMs)):G3} ms | {Pct(accuracy)} |");
            }

            text.AppendLine();
            foreach (var fit in summary.Fits.Where(f => f.Kind.StartsWith("mamba", StringComparison.Ordinal) && f.Quantity == "flops"))
            {
                var time = summary.FitFor(fit.Family, fit.Kind, "time");
                text.AppendLine(inv, $"- {fit.Kind} on {fit.Family}: flops exponent {Slope(fit)}, time exponent {Slope(time)} (linear in n per token; l = c log n makes the per-token cost grow like log^2 n).");
            }

            text.AppendLine();
        }

        if (plots.Count > 0)
        {
            text.AppendLine("## Plots");
            text.AppendLine();
            foreach (var (title, stem) in plots)
            {
                text.AppendLine(inv, $"### {title}");
                text.AppendLine();
                text.AppendLine(inv, $"![{title}](plots/{stem}.png) ([SVG](plots/{stem}.svg))");
                text.AppendLine();
            }
        }

        text.AppendLine("Rows: results.json and results.csv (one row per contender per instance, reproducible from its seed).");
        return text.ToString();
    }

    private static string Pct(double value) => double.IsNaN(value) ? "n/a" : value.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal);

    private static string Slope(ExponentFit? fit) => fit is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{fit.Fit.Slope:F2}");
}
