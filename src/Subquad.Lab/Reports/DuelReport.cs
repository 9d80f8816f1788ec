using System.Globalization;
using System.Text;
using Subquad.Lab.Analysis;
using Subquad.Lab.Duel;
using Subquad.Lab.StateLimit;

namespace Subquad.Lab.Reports;

/// <summary>
/// report.md: what was run, the families with their yes rates, the reference rows, balanced accuracy (with recall,
/// specificity and 95% intervals) versus n at the fixed budgets, the budget each contender needed for the target
/// (Wilson lower bound, confirmed on a fresh batch) with exponents, bootstrap intervals and R^2, every sparse heuristic
/// against random-sparse at matched keys per query, the one-pass strategies beside the disjointness bound, Mamba's
/// state at deployed sizes, and the plots. Numbers only as measured; every accuracy carries its interval.
/// </summary>
public static class DuelReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The markdown text.</summary>
    public static string Render(DuelResult result, DuelSummary summary, IReadOnlyList<(string Title, string Stem)> plots)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(plots);
        var e = result.Experiment;
        var text = new StringBuilder();
        double supportable = Proportion.Wilson(e.Trials, e.Trials).Low;
        text.AppendLine("# Subquad duel: the transformer against its subquadratic alternatives");
        text.AppendLine();
        text.AppendLine(Inv, $"- problem: **{e.ProblemsTitle}**{(e.Bichromatic ? " (bichromatic, n/2 per side)" : "")}; l = max({e.MinDimensions}, ceil(c log2 n)), c in {{{string.Join(", ", e.DimensionFactorsRun.Select(c => c.ToString(Inv)))}}}");
        text.AppendLine(Inv, $"- sizes n: {string.Join(", ", e.Sizes)}; {e.Trials} instances per cell (main batch){(e.Confirm ? ", and as many fresh ones (confirmation batch) wherever a rung reached the target" : "")}; master seed {e.Seed}");
        text.AppendLine(Inv, $"- target: balanced accuracy whose 95% Wilson lower bound is at least **{e.TargetAccuracy:0.###}**{(e.Confirm ? ", on the main batch and again on the confirmation batch" : "")}. With {e.Trials} instances even an all-correct cell is only known to be above {supportable:0.000}.");
        text.AppendLine(Inv, $"- rungs stop early (every {e.SequentialChunk} instances) once the upper bound falls below the target; ladders stop before a rung costing more than full attention's x n^({e.CapExponent.ToString(Inv)} - 2)");
        text.AppendLine(Inv, $"- construction: {result.Construction ?? "none (an output written before the construction was part of every duel)"}");
        text.AppendLine(Inv, $"- run: {(result.Completed ? "complete" : "**cancelled: partial results**")}, {result.Rows.Count} rows, {result.ElapsedSeconds:F1} s; timings exclude a warm-up call per rung");
        if (result.Jobs > 1) text.AppendLine(Inv, $"- cells run {result.Jobs} at a time, each on one thread (its exact attention too); a cell's CPU seconds are its thread's");
        foreach (string line in result.Skipped) text.AppendLine(Inv, $"- skipped: {line}");
        text.AppendLine();
        text.AppendLine("Every accuracy is the **balanced accuracy** (mean of recall on yes-instances and specificity on no-instances), written `rate [95% low, high]`; always-yes and always-no both score 0.5. Budgets: random-sparse = k random keys per query (the control), window = W keys each side, lsh = hash rounds of Reformer LSH (one shared hash, queries and keys in one sorted sequence, chunk + previous; buckets = n / max(2, sqrt(n)/4)), alsh = the same with asymmetric transforms for maximum inner product, performer = random features, linformer = rank, clustered = k-means clusters, taylor = order of the exp-kernel Taylor map, linear-causal = the same map in causal recurrent linear attention, onepass-* = state bits S of a named one-pass strategy.");
        text.AppendLine();

        var families = result.CellInfos.Select(c => c.Family).Distinct().ToList();
        foreach (string f in summary.Cells.Select(c => c.Family).Distinct()) if (!families.Contains(f)) families.Add(f);
        var sizes = e.Sizes.OrderBy(n => n).ToList();
        var controls = result.CellInfos.Where(c => c.Control).Select(c => c.Family).ToHashSet();

        Families(text, result);
        Reference(text, summary, families, sizes);
        FixedBudget(text, summary, families, sizes, controls);
        Failures(text, summary, result, families);
        Requirements(text, summary, result, families, sizes, controls, e);
        AgainstRandomSparse(text, summary, result, families, sizes);
        OnePass(text, summary, result, families, sizes, plots);
        Mamba(text, summary, result);
        Lambda(text, result);

        if (plots.Count > 0)
        {
            text.AppendLine("## Plots");
            text.AppendLine();
            foreach (var (title, stem) in plots)
            {
                text.AppendLine(Inv, $"### {title}");
                text.AppendLine();
                text.AppendLine(Inv, $"![{title}](plots/{stem}.png) ([SVG](plots/{stem}.svg))");
                text.AppendLine();
            }
        }

        text.AppendLine("Rows: results.json and results.csv (one row per contender per instance, reproducible from its seed; `batch` 1 = confirmation).");
        return text.ToString();
    }

    private static void Families(StringBuilder text, DuelResult result)
    {
        if (result.CellInfos.Count == 0) return;
        text.AppendLine("## Families");
        text.AppendLine();
        text.AppendLine("Hard families are balanced by construction: trials come in yes/no pairs, each drawn until the exact engine gives the required answer; every instance's columns are randomly permuted. Controls are drawn unbalanced and left out of every fit.");
        text.AppendLine();
        text.AppendLine("| family | n | l | instances | yes | yes rate | draws per instance | role |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var c in result.CellInfos)
        {
            text.AppendLine(Inv, $"| {c.Family} | {c.N} | {c.Dimensions} | {c.Trials} | {c.Yes} | {c.YesRate:0.000} | {(double.IsNaN(c.MeanAttempts) ? "-" : c.MeanAttempts.ToString("0.0", Inv))} | {(c.Control ? "**easy control** (not fitted)" : "hard")} |");
        }

        text.AppendLine();
    }

    private static void Reference(StringBuilder text, DuelSummary summary, List<string> families, List<int> sizes)
    {
        text.AppendLine("## Reference rows: exact engine and transformer");
        text.AppendLine();
        text.AppendLine("| family | row | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " | time exponent [95%], R^2 |");
        text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---|")) + "---|");
        foreach (string family in families)
        {
            foreach (string kind in DuelSummary.ReferenceKinds)
            {
                var cells = summary.Cells.Where(c => c.Family == family && c.Kind == kind && c.Batch == 0).ToDictionary(c => c.N);
                if (cells.Count == 0) continue;
                text.Append(Inv, $"| {family} | {kind} |");
                foreach (int n in sizes) text.Append(cells.TryGetValue(n, out var c) ? string.Create(Inv, $" {c.Accuracy}, {c.MedianTimeMs:G3} ms |") : " - |");
                text.AppendLine(Inv, $" {Slope(summary.FitFor(family, kind, "time"))} |");
            }
        }

        text.AppendLine();
    }

    private static void FixedBudget(StringBuilder text, DuelSummary summary, List<string> families, List<int> sizes, HashSet<string> controls)
    {
        text.AppendLine("## Balanced accuracy versus n at a fixed budget");
        text.AppendLine();
        foreach (string family in families)
        {
            text.AppendLine(Inv, $"### {family}{(controls.Contains(family) ? " (easy control)" : "")}");
            text.AppendLine();
            text.AppendLine("| contender | budget | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " |");
            text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---|")));
            foreach (string kind in summary.Cells.Where(c => c.Family == family && !DuelSummary.ReferenceKinds.Contains(c.Kind)).Select(c => c.Kind).Distinct())
            {
                var cells = summary.AccuracyAtFixedBudget(family, kind).ToDictionary(c => c.N);
                if (cells.Count == 0 || cells.Values.All(c => c.Decided == 0)) continue;
                long? budget = cells.Values.First().Budget;
                text.Append(Inv, $"| {kind} | {(budget is null ? "-" : budget.Value.ToString(Inv))} |");
                foreach (int n in sizes) text.Append(cells.TryGetValue(n, out var c) ? $" {c.Accuracy} (of {c.Decided}){(c.FullAttention ? " *full attention*" : "")} |" : " - |");
                text.AppendLine();
            }

            text.AppendLine();
        }
    }

    private static void Failures(StringBuilder text, DuelSummary summary, DuelResult result, List<string> families)
    {
        text.AppendLine("### How they fail, at the fixed budget (all n together, main batch)");
        text.AppendLine();
        text.AppendLine("Recall = right on yes-instances (a miss is a wrong no); specificity = right on no-instances (a false alarm is a wrong yes). Counts with 95% Wilson intervals.");
        text.AppendLine();
        text.AppendLine("| family | contender | budget | recall | specificity |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (string family in families)
        {
            foreach (string kind in summary.Cells.Where(c => c.Family == family && !DuelSummary.ReferenceKinds.Contains(c.Kind)).Select(c => c.Kind).Distinct())
            {
                long? budget = summary.AccuracyAtFixedBudget(family, kind).Select(c => c.Budget).FirstOrDefault();
                var rows = result.Rows.Where(r => r.Family == family && r.Kind == kind && r.Budget == budget && r.Batch == 0 && r.Correct is not null).ToList();
                if (rows.Count == 0) continue;
                var ba = BalancedAccuracy.From(rows.Select(r => (r.Truth, r.Correct!.Value)));
                text.AppendLine(Inv, $"| {family} | {kind} | {budget} | {ba.Recall} | {ba.Specificity} |");
            }
        }

        text.AppendLine();
    }

    private static void Requirements(StringBuilder text, DuelSummary summary, DuelResult result, List<string> families, List<int> sizes, HashSet<string> controls, DuelExperiment e)
    {
        text.AppendLine(Inv, $"## Budget needed for balanced accuracy >= {e.TargetAccuracy:0.###} (95% lower bound{(e.Confirm ? ", confirmed" : "")}) versus n, and the exponents it implies");
        text.AppendLine();
        var before = result.CapHits.Where(c => !summary.Cells.Any(x => x.Family == c.Family && x.N == c.N && x.Kind == c.Kind)).ToList();
        if (before.Count > 0)
        {
            text.AppendLine("Stopped by the cost cap before their first rung (even the cheapest budget costs more than the cap allows): " + string.Join("; ", before.Select(c => string.Create(Inv, $"{c.Kind} on {c.Family} at n = {c.N} (budget {c.NextBudget})"))) + ".");
            text.AppendLine();
        }

        text.AppendLine("A cell is the smallest budget whose lower bound reached the target (the confirmation batch's interval beside it); \"> B\" means no rung up to B did, with the best rung's accuracy; **cap** marks a ladder stopped by the subquadratic cost cap, *full* a rung that was full attention in disguise. Exponents: least-squares slope of log cost against log n over the hard-family sizes where the target was reached (full-attention rungs and controls left out), bootstrap 95% interval over instances, R^2; full attention is 2.");
        text.AppendLine();
        foreach (string family in families)
        {
            var reqs = summary.Requirements.Where(r => r.Family == family).ToList();
            if (reqs.Count == 0) continue;
            text.AppendLine(Inv, $"### {family}{(controls.Contains(family) ? " (easy control: not fitted)" : "")}");
            text.AppendLine();
            text.AppendLine("| contender | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " | budget exponent | flops exponent [95%], R^2 | time exponent [95%], R^2 |");
            text.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---|")) + "---|---|---|");
            foreach (string kind in DuelSummary.LadderKinds)
            {
                var byN = reqs.Where(r => r.Kind == kind).ToDictionary(r => r.N);
                if (byN.Count == 0) continue;
                text.Append(Inv, $"| {(kind == "onepass-best" ? "**one-pass, best strategy**" : kind)} |");
                foreach (int n in sizes)
                {
                    text.Append(!byN.TryGetValue(n, out var r) ? " - |"
                        : r.Budget is { } b ? string.Create(Inv, $" {b}{(r.FullAttention ? " *full*" : "")}: {r.Best}{(r.Confirmation is { } c ? $"; confirmed {c}" : "")} |")
                        : string.Create(Inv, $" > {r.LargestTried}{(r.HitCap ? " **cap**" : "")} (best {r.BestBudget}: {r.Best}) |"));
                }

                text.AppendLine(Inv, $" {Slope(summary.FitFor(family, kind, "budget at target"), withCi: false)} | {Slope(summary.FitFor(family, kind, "flops at target"))} | {Slope(summary.FitFor(family, kind, "time at target"))} |");
            }

            text.AppendLine();
        }
    }

    /// <summary>Keys per query a sparse heuristic's budget buys, to set beside random-sparse at the same k.</summary>
    public static double KeysPerQuery(string kind, long budget, int rows, int? bucketSize = null) =>
        DuelContenders.Kinds.Contains(kind) ? DuelContenders.KeysPerQuery(new MixerSpec { Kind = kind, BucketSize = bucketSize }, budget, rows) : double.NaN;

    private static void AgainstRandomSparse(StringBuilder text, DuelSummary summary, DuelResult result, List<string> families, List<int> sizes)
    {
        var control = summary.Cells.Where(c => c.Kind == "random-sparse" && c.Batch == 0 && c.Budget is not null).ToList();
        if (control.Count == 0) return;
        text.AppendLine("## Sparse heuristics against the random-sparse control at matched keys per query");
        text.AppendLine();
        text.AppendLine("For every rung of a sparse heuristic: the keys per query it buys (window 2W-1, LSH rounds x 2 chunks of (n+1)/buckets, clustering (n+1)/clusters), and the random-sparse rung with the largest k not above that. A heuristic that is not clearly above its control (intervals overlapping) has gained nothing from its structure at that cost.");
        text.AppendLine();
        text.AppendLine("| family | n | heuristic | budget | keys/query | its accuracy | random-sparse k | control accuracy |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        int? bucket = result.Experiment.Mixers.FirstOrDefault(m => m.Kind is "lsh" or "alsh")?.BucketSize;
        foreach (string family in families)
        {
            foreach (int n in sizes)
            {
                var ks = control.Where(c => c.Family == family && c.N == n).OrderBy(c => c.Budget).ToList();
                if (ks.Count == 0) continue;
                foreach (var cell in summary.Cells.Where(c => c.Family == family && c.N == n && c.Batch == 0 && DuelContenders.SparseKinds.Contains(c.Kind) && c.Budget is not null).OrderBy(c => c.Kind).ThenBy(c => c.Budget))
                {
                    double keys = KeysPerQuery(cell.Kind, cell.Budget!.Value, n + 1, bucket);
                    var match = ks.LastOrDefault(c => c.Budget <= keys);
                    text.AppendLine(Inv, $"| {family} | {n} | {cell.Kind} | {cell.Budget} | {keys:0.#} | {cell.Accuracy} | {(match is null ? "-" : match.Budget!.Value.ToString(Inv))} | {(match is null ? "-" : match.Accuracy.ToString())} |");
                }
            }
        }

        text.AppendLine();
    }

    private static void OnePass(StringBuilder text, DuelSummary summary, DuelResult result, List<string> families, List<int> sizes, IReadOnlyList<(string Title, string Stem)> plots)
    {
        var cells = summary.Cells.Where(c => DuelSummary.OnePassKinds.Contains(c.Kind) && c.Batch == 0 && c.Budget is not null).ToList();
        if (cells.Count == 0) return;
        var e = result.Experiment;
        double delta = 1 - e.TargetAccuracy;
        text.AppendLine("## The state-size limit: one-pass strategies and the disjointness bound");
        text.AppendLine();
        text.AppendLine("Any recurrent model is a one-pass algorithm whose memory is its state. The rows below are **strategies** (keep-first, keep-by-weight, reservoir sampling, each exact on what it keeps; and a coordinate-sample sketch): they show what S bits achieve on these families, not what S bits cannot. The **bound** is a communication lower bound derived in full in `DisjointnessBound`: OV on n rows of dimension l encodes INDEX on m = min(n - 1, 2^floor((l-2)/2)) bits (Alice's set as rows (bin(e), not bin(e), 1, 0), Bob's index as one row (not bin(i), bin(i), 0, 1)), and a single pass is a one-way protocol, so by Fano an exact one-pass algorithm needs S >= m bits and one with error delta on every input needs S >= (1 - H2(delta)) m (the one-way INDEX bound of Kremer, Nisan and Ron 1999). The bound is worst-case; a strategy can beat it on a particular family only by exploiting that family. The sketch strategy is lossy and may answer yes wrongly.");
        text.AppendLine();
        text.AppendLine(Inv, $"| family | n | n l (all documents) | best strategy: smallest S reaching the target | bound, exact (m) | bound, error {delta:0.###}: (1 - H2) m |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (string family in families)
        {
            foreach (int n in sizes)
            {
                var best = summary.Requirements.FirstOrDefault(r => r.Family == family && r.N == n && r.Kind == "onepass-best");
                var info = result.CellInfos.FirstOrDefault(c => c.Family == family && c.N == n);
                if (best is null) continue;
                long all = (long)n * (info?.Dimensions ?? e.DimensionsFor(n));
                string got = best.Budget is { } b ? string.Create(Inv, $"{b} bits ({Strategy(summary, family, n, b)}): {best.Best}") : string.Create(Inv, $"> {best.LargestTried} (best {best.BestBudget}: {best.Best})");
                text.AppendLine(Inv, $"| {family} | {n} | {all} | {got} | {DisjointnessBound.DeterministicBits(n, info?.Dimensions ?? e.DimensionsFor(n)):0} | {DisjointnessBound.RandomisedBits(n, info?.Dimensions ?? e.DimensionsFor(n), delta):0.#} |");
            }
        }

        text.AppendLine();
        foreach (var (title, stem) in plots.Where(p => p.Stem.EndsWith("-onepass-heatmap", StringComparison.Ordinal)))
        {
            text.AppendLine(Inv, $"![{title}](plots/{stem}.png) ([SVG](plots/{stem}.svg))");
            text.AppendLine();
        }

        text.AppendLine("Balanced accuracy per strategy and S (main batch; \"-\": not run, above the first S confirmed, or stopped early):");
        text.AppendLine();
        foreach (string family in families)
        {
            var mine = cells.Where(c => c.Family == family).ToList();
            if (mine.Count == 0) continue;
            text.AppendLine(Inv, $"### {family}");
            text.AppendLine();
            text.AppendLine("| strategy | S (bits) | " + string.Join(" | ", sizes.Select(n => $"n={n}")) + " |");
            text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---|")));
            foreach (var group in mine.GroupBy(c => (c.Kind, c.Budget)).OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Budget))
            {
                var byN = group.ToDictionary(c => c.N);
                text.Append(Inv, $"| {group.Key.Kind["onepass-".Length..]} | {group.Key.Budget} |");
                foreach (int n in sizes) text.Append(byN.TryGetValue(n, out var c) ? $" {c.Accuracy} |" : " - |");
                text.AppendLine();
            }

            text.AppendLine();
        }
    }

    private static string Strategy(DuelSummary summary, string family, int n, long bits) =>
        string.Join(", ", summary.Requirements.Where(r => r.Family == family && r.N == n && r.Budget == bits && DuelSummary.OnePassKinds.Contains(r.Kind)).Select(r => r.Kind["onepass-".Length..]));

    private static void Mamba(StringBuilder text, DuelSummary summary, DuelResult result)
    {
        var e = result.Experiment;
        double delta = 1 - e.TargetAccuracy;
        text.AppendLine("## The state-size limit: Mamba");
        text.AppendLine();
        long bits = RealisticMamba.StateBits();
        text.AppendLine(Inv, $"At a deployed size (D = 768, 24 layers, expand 2, N = 16, conv width 4, 32-bit numbers) Mamba's state is {bits:N0} bits. Keeping every document (n l bits, l = c log2 n) stops fitting above n = {string.Join(", ", e.DimensionFactorsRun.Select(c => string.Create(Inv, $"{RealisticMamba.LargestNHoldingAll(bits, c):N0} (c = {c})")))}; the disjointness bound at error {delta:0.###} forbids any one-pass strategy in that state above about n = {RealisticMamba.LargestNAllowedByBound(bits, delta):N0}.");
        text.AppendLine();
        var mambaRows = result.Rows.Where(r => r.Kind is "mamba" or "onepass@mamba").ToList();
        if (mambaRows.Count == 0) return;
        text.AppendLine("Mamba at D = l as run here has no trained weights, so it answers nothing; its row is its measured forward time and state size. The one-pass keep-first strategy at exactly that many bits shows what keeping vectors in such a state achieves.");
        text.AppendLine();
        text.AppendLine("| family | n | Mamba | state bits | documents that fit (S / l) | forward time (median) | one-pass at that state |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var group in mambaRows.GroupBy(r => (r.Family, r.N, r.Budget)).OrderBy(g => g.Key.Family, StringComparer.Ordinal).ThenBy(g => g.Key.N))
        {
            var m = group.Where(r => r.Kind == "mamba").ToList();
            var bound = group.Where(r => r.Kind == "onepass@mamba" && r.Correct is not null).ToList();
            if (m.Count == 0) continue;
            var accuracy = BalancedAccuracy.From(bound.Select(r => (r.Truth, r.Correct!.Value)));
            text.AppendLine(Inv, $"| {group.Key.Family} | {group.Key.N} | {m[0].Mixer} | {m[0].StateBits} | {m[0].StateBits / m[0].Dimensions}{(m[0].StateBits / m[0].Dimensions >= group.Key.N ? " (all)" : "")} | {DuelSummary.Median(m.Select(r => r.TimeMs)):G3} ms | {accuracy} |");
        }

        text.AppendLine();
        foreach (var fit in summary.Fits.Where(f => f.Kind.StartsWith("mamba", StringComparison.Ordinal) && f.Quantity == "flops"))
        {
            var time = summary.FitFor(fit.Family, fit.Kind, "time");
            text.AppendLine(Inv, $"- {fit.Kind} on {fit.Family}: flops exponent {Slope(fit)}, time exponent {Slope(time)} (linear in n per token; l = c log n makes the per-token cost grow like log^2 n).");
        }

        text.AppendLine();
    }

    private static void Lambda(StringBuilder text, DuelResult result)
    {
        if (result.LambdaPoints.Count == 0) return;
        text.AppendLine("## Lambda sweep: kernel approximations against the size of the scores (Alman-Song)");
        text.AppendLine();
        text.AppendLine("The construction's X, K, V with Q scaled so that the largest |score| is B; each approximation's error against exact attention (max over outputs of |y - y*| / max |y*|), median [max] over the first 4 instances. Alman and Song (2023): with scores o(sqrt(log n)) attention can be approximated in n^(1+o(1)) time; with scores of order log n, not under SETH. The last B of each n is the construction's own scale.");
        text.AppendLine();
        foreach (var family in result.LambdaPoints.GroupBy(p => p.Family))
        {
            text.AppendLine(Inv, $"### {family.Key}");
            text.AppendLine();
            text.AppendLine("| n | sqrt(ln n) | B | contender | relative error, median [max] |");
            text.AppendLine("|---|---|---|---|---|");
            foreach (var group in family.GroupBy(p => (p.N, p.ScoreBound, p.Contender)).OrderBy(g => g.Key.N).ThenBy(g => g.Key.ScoreBound).ThenBy(g => g.Key.Contender, StringComparer.Ordinal))
            {
                var errors = group.Select(p => p.RelativeError).ToList();
                text.AppendLine(Inv, $"| {group.Key.N} | {Math.Sqrt(Math.Log(group.Key.N)):0.00} | {group.Key.ScoreBound:0.##} | {group.Key.Contender} | {DuelSummary.Median(errors):G3} [{errors.Max():G3}] |");
            }

            text.AppendLine();
        }
    }

    private static string Slope(ExponentFit? fit, bool withCi = true) => fit is null ? "-"
        : withCi && fit.Ci95Low is { } lo && fit.Ci95High is { } hi
            ? string.Create(Inv, $"{fit.Fit.Slope:F2} [{lo:F2}, {hi:F2}], R^2 {fit.Fit.RSquared:F3}")
            : string.Create(Inv, $"{fit.Fit.Slope:F2}, R^2 {fit.Fit.RSquared:F3}");
}
