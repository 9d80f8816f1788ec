using Subquad.Lab.Duel;

namespace Subquad.Lab.Analysis;

/// <summary>
/// The numbers the report is made of, computed from the rows alone: recall, specificity and balanced accuracy with 95%
/// intervals per cell, accuracy versus n at each kind's fixed budget, the budget needed for the target versus n (the
/// Wilson lower bound must reach it, on the main batch and on the confirmation batch), and the log-log exponents with
/// bootstrap 95% intervals and R^2. Control families and full-attention rungs are reported but never fitted.
/// </summary>
public sealed class DuelSummary
{
    private DuelSummary(IReadOnlyList<AccuracyCell> cells, IReadOnlyList<BudgetRequirement> requirements, IReadOnlyList<ExponentFit> fits, IReadOnlyDictionary<string, long> fixedBudgets, double target)
    {
        Cells = cells;
        Requirements = requirements;
        Fits = fits;
        FixedBudgets = fixedBudgets;
        Target = target;
    }

    /// <summary>Every (family, kind, budget, n, batch) cell.</summary>
    public IReadOnlyList<AccuracyCell> Cells { get; }

    /// <summary>Budget for the target per (family, kind, n) for the laddered kinds, plus "onepass-best" (the best strategy).</summary>
    public IReadOnlyList<BudgetRequirement> Requirements { get; }

    /// <summary>Exponents: reference rows' time and flops; heuristics' flops and time at the budget for the target.</summary>
    public IReadOnlyList<ExponentFit> Fits { get; }

    /// <summary>The fixed budget per laddered kind used for accuracy versus n.</summary>
    public IReadOnlyDictionary<string, long> FixedBudgets { get; }

    /// <summary>The target balanced accuracy.</summary>
    public double Target { get; }

    /// <summary>l of the (family, n) cell (0 when it has no rows).</summary>
    public int Dimensions(string family, int n) => _dimensions.TryGetValue((family, n), out int l) ? l : 0;

    private Dictionary<(string Family, int N), int> _dimensions = [];

    /// <summary>Kinds without a budget (the reference rows).</summary>
    public static IReadOnlyList<string> ReferenceKinds { get; } = ["exact", "transformer"];

    /// <summary>The one-pass strategies (kinds "onepass-...").</summary>
    public static IReadOnlyList<string> OnePassKinds { get; } = ["onepass-keep-first", "onepass-keep-by-weight", "onepass-reservoir", "onepass-sketch"];

    /// <summary>Kinds with a ladder, in report order.</summary>
    public static IReadOnlyList<string> LadderKinds { get; } = [.. DuelContenders.AttentionKinds, "linear-causal", .. OnePassKinds, "onepass-best"];

    /// <summary>The spec kind a row kind belongs to ("onepass-reservoir" -> "onepass").</summary>
    public static string SpecKind(string kind) => kind.StartsWith("onepass-", StringComparison.Ordinal) ? "onepass" : kind;

    /// <summary>Summarises a result.</summary>
    public static DuelSummary From(DuelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        double target = result.Experiment.TargetAccuracy;
        var cells = result.Rows
            .GroupBy(r => (r.Family, r.Kind, r.Budget, r.N, r.Batch))
            .Select(g => new AccuracyCell(g.Key.Family, g.Key.Kind, g.First().Mixer, g.Key.Budget, g.Key.N, g.Key.Batch, g.Count(),
                BalancedAccuracy.From(g.Where(r => r.Correct is not null).Select(r => (r.Truth, r.Correct!.Value))),
                Median(g.Select(r => r.TimeMs)), g.Average(r => r.Flops), g.Max(r => r.StateBits), g.First().Control, g.Any(r => r.FullAttention)))
            .ToList();

        var dimensions = new Dictionary<(string Family, int N), int>();
        foreach (var r in result.Rows) dimensions.TryAdd((r.Family, r.N), r.Dimensions);
        var fixedBudgets = new Dictionary<string, long>();
        foreach (var spec in result.Experiment.Mixers) fixedBudgets[spec.Kind] = spec.FixedBudget ?? DuelContenders.DefaultFixedBudget(spec.Kind);

        var capHits = result.CapHits.Select(c => (c.Family, c.N, c.Kind)).ToHashSet();
        var requirements = new List<BudgetRequirement>();
        foreach (var group in cells.Where(c => LadderKinds.Contains(c.Kind)).GroupBy(c => (c.Family, c.Kind, c.N)))
        {
            var main = group.Where(c => c.Batch == 0 && c.Budget is not null && c.Decided > 0).OrderBy(c => c.Budget).ToList();
            if (main.Count == 0) continue;
            var confirmations = group.Where(c => c.Batch == 1).ToDictionary(c => c.Budget!.Value);
            AccuracyCell? hit = main.FirstOrDefault(c => c.Accuracy.Ci95Low >= target
                && (!result.Experiment.Confirm || (confirmations.TryGetValue(c.Budget!.Value, out var conf) && conf.Accuracy.Ci95Low >= target)));
            var best = main.OrderByDescending(c => c.Accuracy.Ci95Low).ThenBy(c => c.Budget).First();
            var shown = hit ?? best;
            requirements.Add(new BudgetRequirement(group.Key.Family, group.Key.Kind, group.Key.N, hit?.Budget, main[^1].Budget!.Value, shown.Accuracy, shown.Budget,
                shown.Budget is { } sb && confirmations.TryGetValue(sb, out var sc) ? sc.Accuracy : null,
                hit?.MeanFlops ?? double.NaN, hit?.MedianTimeMs ?? double.NaN, capHits.Contains((group.Key.Family, group.Key.N, group.Key.Kind)) && hit is null, hit?.FullAttention ?? false, main[0].Control));
        }

        // The best one-pass strategy per (family, n): the smallest confirmed S over the strategies.
        foreach (var group in requirements.Where(r => OnePassKinds.Contains(r.Kind)).GroupBy(r => (r.Family, r.N)).ToList())
        {
            var reached = group.Where(r => r.Budget is not null).OrderBy(r => r.Budget).FirstOrDefault();
            var best = reached ?? group.OrderByDescending(r => r.Best.Ci95Low).First();
            requirements.Add(best with { Kind = "onepass-best" });
        }

        var fits = new List<ExponentFit>();
        var instanceRows = result.Rows.Where(r => r.Batch == 0 && !r.Control).ToList();
        // Reference rows have no budget; Mamba rows are fitted per state size N (its budget), named "mamba N=16".
        foreach (var group in instanceRows.Where(r => ReferenceKinds.Contains(r.Kind) || r.Kind == "mamba").GroupBy(r => (r.Family, Kind: MambaKind(r.Kind, r.Budget))))
        {
            var byN = group.GroupBy(r => r.N).OrderBy(g => g.Key).ToList();
            AddFit(fits, group.Key.Family, group.Key.Kind, "time", byN.Select(g => ((double)g.Key, (IReadOnlyList<double>)g.Select(r => r.TimeMs).ToList())).ToList(), Median);
            AddFit(fits, group.Key.Family, group.Key.Kind, "flops", byN.Select(g => ((double)g.Key, (IReadOnlyList<double>)g.Select(r => r.Flops).ToList())).ToList(), Mean);
        }

        foreach (var group in requirements.Where(r => r.Budget is not null && !r.Control && !r.FullAttention && r.Kind != "onepass-best").GroupBy(r => (r.Family, r.Kind)))
        {
            var points = group.OrderBy(r => r.N).ToList();
            List<(double, IReadOnlyList<double>)> Samples(Func<DuelRow, double> value) => points
                .Select(p => ((double)p.N, (IReadOnlyList<double>)instanceRows.Where(r => r.Family == p.Family && r.Kind == p.Kind && r.N == p.N && r.Budget == p.Budget).Select(value).ToList()))
                .ToList();
            AddFit(fits, group.Key.Family, group.Key.Kind, "flops at target", Samples(r => r.Flops), Mean);
            AddFit(fits, group.Key.Family, group.Key.Kind, "time at target", Samples(r => r.TimeMs), Median);
            if (LogLogFit.Fit(points.Select(r => (double)r.N).ToList(), points.Select(r => (double)r.Budget!.Value).ToList()) is { } budgetFit)
            {
                fits.Add(new ExponentFit(group.Key.Family, group.Key.Kind, "budget at target", budgetFit, points.Max(r => r.N)));
            }
        }

        return new DuelSummary(cells, requirements, fits, fixedBudgets, target) { _dimensions = dimensions };
    }

    /// <summary>The fit name of a row kind: "mamba N=16" for Mamba (one fit per state size), the kind otherwise.</summary>
    public static string MambaKind(string kind, long? budget) => kind == "mamba" ? $"mamba N={budget}" : kind;

    /// <summary>The median (times: robust to a busy machine).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0) return double.NaN;
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double Median(IReadOnlyList<double> values) => Median((IEnumerable<double>)values);

    private static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    private static void AddFit(List<ExponentFit> fits, string family, string kind, string quantity, List<(double X, IReadOnlyList<double> Samples)> points, Func<IReadOnlyList<double>, double> aggregate)
    {
        var xs = points.Select(p => p.X).ToList();
        var ys = points.Select(p => aggregate(p.Samples)).ToList();
        if (LogLogFit.Fit(xs, ys) is not { } fit) return;
        var ci = BootstrapInterval.Slope(points, aggregate, resamples: 400);
        fits.Add(new ExponentFit(family, kind, quantity, fit, (int)xs.Max(), ci?.Low, ci?.High));
    }

    /// <summary>Accuracy versus n at the kind's fixed budget (or, for the reference rows, at no budget), main batch, ordered by n.</summary>
    public IReadOnlyList<AccuracyCell> AccuracyAtFixedBudget(string family, string kind)
    {
        long? budget = FixedBudgets.TryGetValue(SpecKind(kind), out long b) ? b : null;
        if (kind == "onepass@mamba") budget = FixedBudgets.TryGetValue("mamba", out long mb) ? mb : null;
        return Cells.Where(c => c.Family == family && c.Kind == kind && c.Budget == budget && c.Batch == 0).OrderBy(c => c.N).ToList();
    }

    /// <summary>The fit for (family, kind, quantity), if any.</summary>
    public ExponentFit? FitFor(string family, string kind, string quantity) =>
        Fits.FirstOrDefault(f => f.Family == family && f.Kind == kind && f.Quantity == quantity);
}
