using System.Globalization;
using System.Text;
using Subquad.Learn.Tasks;

namespace Subquad.Lab.Zoo;

/// <summary>
/// report.md: what ran, the attention check (Wilson lower bound ≥ 0.99 at every n), the selected runs with their
/// intervals beside the always-yes/always-no controls, the smallest state reaching 95% per mixer and n with a fitted
/// exponent where three or more sizes allow one, skipped and diverged runs, and the figures.
/// </summary>
public static class ZooReport
{
    /// <summary>The markdown text.</summary>
    public static string Markdown(ZooResult result, IReadOnlyList<(string Title, string Stem)> figures, string cpu)
    {
        var e = result.Experiment;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# Zoo: trained mixers on the paper's problems");
        sb.AppendLine();
        sb.AppendLine(inv, $"Tasks {string.Join(", ", e.Tasks)}; families {string.Join(", ", e.Families)}; n in {{{string.Join(", ", e.Sizes)}}}; mixers {string.Join(", ", e.Mixers)}; widths {{{string.Join(", ", e.Widths)}}}; seeds {{{string.Join(", ", e.Seeds)}}}; learning rates {{{string.Join(", ", e.LearningRates.Select(x => x.ToString("R", inv)))}}} (best on {e.ValidationSequences} validation sequences reported{(e.LrSearchSizes is { } search ? $"; searched at n = {string.Join(", ", search)} only, larger n use the lr with the best mean validation accuracy over seeds there" : "")}); {e.Steps} steps of {(e.TokensPerStep is { } t ? $"about {t} labelled tokens (max(1, {t}/n) sequences at the run's n)" : $"{e.Batch} sequences")}{(e.Curriculum ? ", doubling curriculum from n = 4" : "")}; {e.Jobs} run(s) at a time; {e.Layers} layers; {e.TestSequences} held-out test sequences per row; {e.Threads} threads on {cpu}.");
        sb.AppendLine();
        sb.AppendLine(inv, $"{(result.Completed ? "Completed" : "**Incomplete (cancelled)**: rerun the same command to resume")}: {result.Rows.Count} runs in this folder, {result.ElapsedSeconds:F0} s in this invocation.");
        sb.AppendLine();
        sb.AppendLine("Accuracy is over labelled tokens of the held-out sequences (k/n with a Wilson 95% interval); tokens of one sequence are correlated, so the sequence accuracy (every label of a sequence right) is given beside it. Every sequence starts with a BOS token; documents have constant weight, so no weight tell exists; each position is a planted 'yes' with probability 1/2 (the controls below show the base rate).");
        sb.AppendLine();

        var selected = result.Rows.Where(r => r.Selected).ToList();
        sb.AppendLine("## Attention check (Wilson 95% lower bound >= 0.99 at every n, for every seed)");
        sb.AppendLine();
        sb.AppendLine("Per n, the width whose worst seed has the highest lower bound; it passes when every seed's selected run does (one passing seed out of several is not reported as a pass).");
        sb.AppendLine();
        foreach (var g in selected.Where(r => r.Mixer == "attention").GroupBy(r => (r.Task, r.Family, r.N)).OrderBy(g => g.Key))
        {
            var best = g.GroupBy(r => r.Width).OrderByDescending(w => w.Min(r => r.Accuracy.Ci95Low)).ThenBy(w => w.Key).First();
            bool pass = best.All(r => r.Accuracy.Ci95Low >= 0.99);
            string seeds = string.Join("; ", best.OrderBy(r => r.Seed).Select(r => $"seed {r.Seed}: {Format(r.Accuracy)}, sequences {r.SequenceAccuracy.Successes}/{r.SequenceAccuracy.Trials}"));
            sb.AppendLine(inv, $"- {g.Key.Task}/{g.Key.Family} n = {g.Key.N}, width {best.Key}: {seeds} → **{(pass ? $"passes ({best.Count()} of {best.Count()} seeds)" : $"fails ({best.Count(r => r.Accuracy.Ci95Low >= 0.99)} of {best.Count()} seeds pass)")}**");
        }

        sb.AppendLine();
        sb.AppendLine("## Selected runs");
        sb.AppendLine();
        sb.AppendLine("| task | family | n | mixer | width | state bits | seed | lr | accuracy [95% CI] | sequences right [95% CI] | final loss | train s |");
        sb.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---|---|---:|---:|");
        foreach (var r in selected.OrderBy(r => r.Task).ThenBy(r => r.Family).ThenBy(r => r.N).ThenBy(r => r.Mixer).ThenBy(r => r.Width).ThenBy(r => r.Seed))
        {
            sb.AppendLine(inv, $"| {r.Task} | {r.Family} | {r.N} | {r.Mixer} | {r.Width} | {r.StateBits} | {r.Seed} | {r.Lr:R} | {Format(r.Accuracy)} | {Format(r.SequenceAccuracy)} | {r.FinalLoss:F3} | {r.TrainTimeMs / 1000:F0} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Controls (same held-out sequences)");
        sb.AppendLine();
        sb.AppendLine("| task | family | n | control | accuracy [95% CI] | sequences right [95% CI] |");
        sb.AppendLine("|---|---|---:|---|---|---|");
        foreach (var c in result.Controls) sb.AppendLine(inv, $"| {c.Task} | {c.Family} | {c.N} | {c.Name} | {Format(c.Accuracy)} | {Format(c.SequenceAccuracy)} |");

        if (result.Controls.Any(c => c.Name == ZooRunner.HandSetName))
        {
            sb.AppendLine();
            sb.AppendLine("The hand-set row is the paper's one-head construction (Thm 4.1) written into the same block at width l = 64 with one head, not trained: it shows what the trained attention could represent, separately from what training found. It is a control, never counted as a trained result.");
        }

        if (result.OnePass.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## One-pass reference (Lab/StateLimit, keep-first)");
            sb.AppendLine();
            sb.AppendLine("A reader that keeps the first K documents exactly (l bits each) and compares every new document against them, on the first test sequences; labels from Core. The communication bound beside it (one-way INDEX on n − 1 bits, (1 − H2(0.05))(n − 1), error ≤ 5% on every input; Lab/StateLimit/DisjointnessBound) is a worst-case floor for OV, not for this family.");
            sb.AppendLine();
            sb.AppendLine("| task | family | n | K kept | state bits | accuracy [95% CI] | one-pass bound at 95% (bits) |");
            sb.AppendLine("|---|---|---:|---:|---:|---|---:|");
            foreach (var p in result.OnePass) sb.AppendLine(inv, $"| {p.Task} | {p.Family} | {p.N} | {p.Kept} | {p.StateBits} | {Format(p.Accuracy)} | {StateLimit.DisjointnessBound.RandomisedBits(p.N, 0.05):F1} |");
        }

        sb.AppendLine();
        sb.AppendLine("## State needed for 95% accuracy");
        sb.AppendLine();
        sb.AppendLine("Smallest state (bits, all layers) whose selected runs, pooled over seeds, reach a token accuracy of 0.95; '> B' when no width tried reached it (B = the largest state tried). The one-pass reference is n·log2 C(l, w) bits: storing every earlier document.");
        sb.AppendLine();
        foreach (var g in selected.GroupBy(r => (r.Task, r.Family)))
        {
            double perDoc = PartnerFamily.Parse(g.Key.Family).BitsPerDocument;
            sb.AppendLine(inv, $"### {g.Key.Task}/{g.Key.Family}");
            sb.AppendLine();
            var sizes = g.Select(r => r.N).Distinct().Order().ToList();
            sb.AppendLine("| mixer | " + string.Join(" | ", sizes.Select(n => $"n = {n}")) + " | exponent (bits vs n) |");
            sb.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---:|")) + "---|");
            foreach (var m in g.GroupBy(r => r.Mixer))
            {
                var cells = new List<string>();
                var points = StateFor95(m.ToList());
                foreach (int n in sizes)
                {
                    var byState = m.Where(r => r.N == n && !r.Diverged).GroupBy(r => r.StateBits).OrderBy(x => x.Key).ToList();
                    if (byState.Count == 0) cells.Add("-");
                    else if (points.FirstOrDefault(p => p.N == n) is { Bits: > 0 } hit) cells.Add(hit.Bits.ToString(inv));
                    else cells.Add($"> {byState[^1].Key}");
                }

                sb.AppendLine($"| {m.Key} | {string.Join(" | ", cells)} | {Exponent(points)} |");
            }

            sb.AppendLine(inv, $"| n·log2 C(l,w) | {string.Join(" | ", sizes.Select(n => (n * perDoc).ToString("F0", inv)))} | 1 |");
            sb.AppendLine();
        }

        if (result.Skipped.Count > 0)
        {
            sb.AppendLine("## Skipped or diverged runs");
            sb.AppendLine();
            foreach (string s in result.Skipped) sb.AppendLine("- " + s);
            sb.AppendLine();
        }

        sb.AppendLine("## Figures");
        sb.AppendLine();
        foreach (var (title, stem) in figures) sb.AppendLine($"![{title}](plots/{stem}.png) ([svg](plots/{stem}.svg))");
        sb.AppendLine();
        sb.AppendLine("State sizes are float32 numbers × 32 bits summed over layers, from the formula each mixer states (docs/learn.md). Attention's state is its KV cache, which grows with n.");
        return sb.ToString();
    }

    /// <summary>Per n, the smallest state (bits) whose selected, non-diverged runs pooled over seeds reach 0.95; sizes where none does are left out.</summary>
    public static List<(double N, double Bits)> StateFor95(IReadOnlyList<ZooRow> rows)
    {
        var points = new List<(double N, double Bits)>();
        foreach (var n in rows.Select(r => r.N).Distinct().Order())
        {
            var hit = rows.Where(r => r.N == n && !r.Diverged).GroupBy(r => r.StateBits).OrderBy(x => x.Key)
                .FirstOrDefault(x => Proportion.Of(x.Sum(r => r.Accuracy.Successes), x.Sum(r => r.Accuracy.Trials)).Rate >= 0.95);
            if (hit is not null) points.Add((n, hit.Key));
        }

        return points;
    }

    /// <summary>"0.987 (987/1000) [0.978, 0.993]".</summary>
    public static string Format(Proportion p) => p.Trials == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{p.Rate:F3} ({p.Successes}/{p.Trials}) [{p.Ci95Low:F3}, {p.Ci95High:F3}]");

    /// <summary>Least-squares log-log slope of bits on n with its t-based 95% interval (<see cref="Analysis.LogLogFit"/>; needs three sizes).</summary>
    public static string Exponent(IReadOnlyList<(double N, double Bits)> points)
    {
        if (points.Count < 3 || Analysis.LogLogFit.Fit(points.Select(p => (p.N, p.Bits))) is not { Points: >= 3 } fit) return "needs 3 sizes";
        return string.Create(CultureInfo.InvariantCulture, $"{fit.Slope:F2} [{fit.Ci95Low:F2}, {fit.Ci95High:F2}]");
    }
}
