using Subquad.Lab.Duel;

namespace Subquad.Lab.Analysis;

/// <summary>
/// The numbers the report is made of, computed from the rows alone: accuracy per cell, accuracy versus n at each kind's
/// fixed budget, the budget needed for the target accuracy versus n, and the log-log exponents those imply.
/// </summary>
public sealed class DuelSummary
{
    private DuelSummary(IReadOnlyList<AccuracyCell> cells, IReadOnlyList<BudgetRequirement> requirements, IReadOnlyList<ExponentFit> fits, IReadOnlyDictionary<string, long> fixedBudgets)
    {
        Cells = cells;
        Requirements = requirements;
        Fits = fits;
        FixedBudgets = fixedBudgets;
    }

    /// <summary>Every (family, kind, budget, n) cell.</summary>
    public IReadOnlyList<AccuracyCell> Cells { get; }

    /// <summary>Budget for the target per (family, kind, n) for the laddered kinds.</summary>
    public IReadOnlyList<BudgetRequirement> Requirements { get; }

    /// <summary>Exponents: reference rows' time and flops; heuristics' flops and time at the budget for the target.</summary>
    public IReadOnlyList<ExponentFit> Fits { get; }

    /// <summary>The fixed budget per laddered kind used for accuracy versus n.</summary>
    public IReadOnlyDictionary<string, long> FixedBudgets { get; }

    /// <summary>Kinds without a budget (the reference rows).</summary>
    public static IReadOnlyList<string> ReferenceKinds { get; } = ["exact", "transformer"];

    /// <summary>Kinds with a ladder.</summary>
    public static IReadOnlyList<string> LadderKinds { get; } = [.. DuelContenders.AttentionKinds, "linear-causal", "onepass"];

    /// <summary>Summarises a result.</summary>
    public static DuelSummary From(DuelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        double target = result.Experiment.TargetAccuracy;
        var cells = result.Rows
            .GroupBy(r => (r.Family, r.Kind, r.Mixer, r.Budget, r.N))
            .Select(g => new AccuracyCell(g.Key.Family, g.Key.Kind, g.Key.Mixer, g.Key.Budget, g.Key.N, g.Count(), g.Count(r => r.Correct is not null), g.Count(r => r.Correct == true), Median(g.Select(r => r.TimeMs)), g.Average(r => r.Flops), g.Max(r => r.StateBits)))
            .ToList();

        var fixedBudgets = new Dictionary<string, long>();
        foreach (var spec in result.Experiment.Mixers)
        {
            fixedBudgets[spec.Kind] = spec.FixedBudget ?? DuelContenders.DefaultFixedBudget(spec.Kind);
        }

        var requirements = new List<BudgetRequirement>();
        foreach (var group in cells.Where(c => LadderKinds.Contains(c.Kind)).GroupBy(c => (c.Family, c.Kind, c.N)))
        {
            var ladder = group.Where(c => c.Budget is not null && c.Decided > 0).OrderBy(c => c.Budget).ToList();
            if (ladder.Count == 0) continue;
            var hit = ladder.FirstOrDefault(c => c.Accuracy >= target);
            var largest = ladder[^1];
            requirements.Add(new BudgetRequirement(group.Key.Family, group.Key.Kind, group.Key.N, hit?.Budget, largest.Budget!.Value, largest.Accuracy, hit?.MeanFlops ?? double.NaN, hit?.MedianTimeMs ?? double.NaN));
        }

        var fits = new List<ExponentFit>();
        // Reference rows have no budget; Mamba rows are fitted per state size N (its budget), named "mamba N=16".
        foreach (var group in cells.Where(c => ReferenceKinds.Contains(c.Kind) || c.Kind == "mamba").GroupBy(c => (c.Family, Kind: MambaKind(c.Kind, c.Budget))))
        {
            var points = group.OrderBy(c => c.N).ToList();
            AddFit(fits, group.Key.Family, group.Key.Kind, "time", points.Select(c => (double)c.N).ToList(), points.Select(c => c.MedianTimeMs).ToList());
            AddFit(fits, group.Key.Family, group.Key.Kind, "flops", points.Select(c => (double)c.N).ToList(), points.Select(c => c.MeanFlops).ToList());
        }

        foreach (var group in requirements.Where(r => r.Budget is not null).GroupBy(r => (r.Family, r.Kind)))
        {
            var points = group.OrderBy(r => r.N).ToList();
            AddFit(fits, group.Key.Family, group.Key.Kind, "flops at target", points.Select(r => (double)r.N).ToList(), points.Select(r => r.MeanFlops).ToList());
            AddFit(fits, group.Key.Family, group.Key.Kind, "time at target", points.Select(r => (double)r.N).ToList(), points.Select(r => r.MedianTimeMs).ToList());
            AddFit(fits, group.Key.Family, group.Key.Kind, "budget at target", points.Select(r => (double)r.N).ToList(), points.Select(r => (double)r.Budget!.Value).ToList());
        }

        return new DuelSummary(cells, requirements, fits, fixedBudgets);
    }

    /// <summary>The fit name of a row kind: "mamba N=16" for Mamba (one fit per state size), the kind otherwise.</summary>
    public static string MambaKind(string kind, long? budget) => kind == "mamba" ? $"mamba N={budget}" : kind;

    /// <summary>The median (times: robust to the first call's JIT and to a busy machine).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0) return double.NaN;
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static void AddFit(List<ExponentFit> fits, string family, string kind, string quantity, List<double> ns, List<double> ys)
    {
        if (LogLogFit.Fit(ns, ys) is { } fit) fits.Add(new ExponentFit(family, kind, quantity, fit, (int)ns.Max()));
    }

    /// <summary>Accuracy versus n at the kind's fixed budget (or, for the reference rows, at no budget), ordered by n.</summary>
    public IReadOnlyList<AccuracyCell> AccuracyAtFixedBudget(string family, string kind)
    {
        long? budget = FixedBudgets.TryGetValue(kind, out long b) ? b : null;
        if (kind == "onepass@mamba") budget = FixedBudgets.TryGetValue("mamba", out long mb) ? mb : null;
        return Cells.Where(c => c.Family == family && c.Kind == kind && c.Budget == budget).OrderBy(c => c.N).ToList();
    }

    /// <summary>The fit for (family, kind, quantity), if any.</summary>
    public ExponentFit? FitFor(string family, string kind, string quantity) =>
        Fits.FirstOrDefault(f => f.Family == family && f.Kind == kind && f.Quantity == quantity);
}
