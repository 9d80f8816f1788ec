using System.Diagnostics;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Reductions;

namespace Subquad.Hardness.Sat;

/// <summary>
/// Decides CNF-SAT through a chain of the paper's reductions: split and list (Williams 2005) to bichromatic OV, the
/// chain's stages, and a similarity solver at the bottom. The reported assignment is always checked against the
/// formula (<see cref="CnfSatToOrthogonalVectors.Decode"/>).
/// </summary>
public static class SatDecider
{
    /// <summary>Decides <paramref name="formula"/> through <paramref name="chain"/> over <paramref name="solver"/>.</summary>
    /// <exception cref="Subquad.Core.InputException">Split and list would exceed the memory budget.</exception>
    public static SatReport Decide(CnfFormula formula, SatChain chain, ISimilaritySolver solver, SplitAndListOptions? options = null, string? source = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(solver);
        CheckChainSize(formula, chain, solver, options, source);
        var build = Stopwatch.StartNew();
        var reduction = CnfSatToOrthogonalVectors.Reduce(formula, options, source);
        var ov = reduction.Query(0).Instance;
        build.Stop();

        var (top, stages) = chain.Over(solver);
        var solve = Stopwatch.StartNew();
        Answer? ovAnswer = null;
        var outcome = reduction.Decode(q =>
        {
            ovAnswer = top.Solve(q.Instance, q.Problem, cancellationToken);
            return ovAnswer;
        });
        solve.Stop();

        long vectors = ov.A.Count + ov.Right.Count;
        var reports = new List<StageReport>
        {
            new("split and list", "Williams 2005", 1, vectors, ov.Dimensions, ov.PairCount, build.Elapsed.TotalSeconds),
        };
        foreach (var stage in stages)
        {
            var s = stage.Stats;
            reports.Add(new StageReport(s.Name, s.Reference, s.QueriesAsked, s.VectorsBuilt, s.MaxDimensions, s.PairsAsked, s.OwnTime.TotalSeconds));
        }

        double bottomSeconds = stages.Count > 0 ? stages[^1].Stats.BelowTime.TotalSeconds : solve.Elapsed.TotalSeconds;
        long bottomCalls = stages.Count > 0 ? stages[^1].Stats.QueriesAsked : 1;
        reports.Add(new StageReport($"solve ({solver.Name})", chain.Target, bottomCalls, 0, 0, stages.Count > 0 ? stages[^1].Stats.PairsAsked : ov.PairCount, bottomSeconds));

        long? scanned = null;
        if (stages.Count == 0 && ovAnswer is not null)
        {
            scanned = ovAnswer.Found ? (long)ovAnswer.I * ov.Right.Count + ovAnswer.J + 1 : ov.PairCount;
        }

        return new SatReport
        {
            Outcome = outcome,
            Chain = chain.Name,
            Solver = solver.Name,
            Variables = formula.VariableCount,
            Clauses = formula.ClauseCount,
            Stages = reports,
            OvVectors = vectors,
            BuildSeconds = build.Elapsed.TotalSeconds,
            SolveSeconds = solve.Elapsed.TotalSeconds,
            PairsScanned = scanned,
        };
    }

    /// <summary>
    /// Refuses, before split and list builds anything, a chain whose stages together would exceed the budget
    /// (--max-memory-gib) or the memory free now; the message lists what each stage needs.
    /// </summary>
    /// <exception cref="Subquad.Core.InputException">The chain would not fit.</exception>
    public static void CheckChainSize(CnfFormula formula, SatChain chain, ISimilaritySolver solver, SplitAndListOptions? options = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(chain);
        options ??= SplitAndListOptions.Default;
        CnfSatToOrthogonalVectors.CheckSize(formula, options, source);
        int n = formula.VariableCount;
        var stages = EstimateBytes(formula, chain, solver);
        long total = Total(stages);
        long available = Math.Min(options.MemoryBudgetBytes, Subquad.Core.IO.MemoryBudget.AvailableBytes());
        if (total > available)
        {
            string detail = string.Join(", ", stages.Select(s => s.Stage + " " + Subquad.Core.IO.MemoryBudget.Format(s.Bytes)));
            string lower = solver is ISolverMemory
                ? "--max-memory-gib raises the budget; --runtime own holds about a third of ONNX Runtime's copies; fewer clauses shrink the transformer's d_in x d_in weights; --via ov holds only the halves"
                : "--max-memory-gib raises the budget; --via ov holds only the halves";
            throw new Subquad.Core.InputException(source, null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the {chain.Name} chain needs {Subquad.Core.IO.MemoryBudget.Format(total)} ({detail}) for N = {n} variables and m = {formula.ClauseCount} clauses, over the {Subquad.Core.IO.MemoryBudget.Format(available)} available (the budget is --max-memory-gib or the free memory, whichever is less; {lower})"));
        }
    }

    /// <summary>
    /// Every stage's peak bytes, from the formula's size alone (nothing is built): the chain's stages
    /// (<see cref="SatChain.EstimateBytes"/>) and, where the bottom solver states it (<see cref="ISolverMemory"/>),
    /// the solver's own peak on the bottom query.
    /// </summary>
    public static IReadOnlyList<(string Stage, long Bytes)> EstimateBytes(CnfFormula formula, SatChain chain, ISimilaritySolver solver)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(chain);
        int n = formula.VariableCount, h = CnfSatToOrthogonalVectors.LeftVariables(n);
        long rows = (1L << h) + (1L << (n - h));
        var stages = new List<(string Stage, long Bytes)>(chain.EstimateBytes(rows, formula.ClauseCount));
        if (solver is ISolverMemory memory)
        {
            // The bottom query's shape: bichromatic halves (LSD_0) or Lemma A.4's monochromatic 2 + m columns.
            bool mono = chain.Name is "lsd0-mono";
            long rowsA = mono ? rows : 1L << h, rowsB = mono ? 0 : 1L << (n - h);
            int dimensions = Math.Max(1, formula.ClauseCount) + (mono ? 2 : 0);
            stages.Add(($"solver {solver.Name}", memory.PeakBytes(rowsA, rowsB, dimensions)));
        }

        return stages;
    }

    /// <summary>The sum of the stages' bytes, saturating at long.MaxValue.</summary>
    public static long Total(IReadOnlyList<(string Stage, long Bytes)> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        long total = 0;
        foreach (var (_, bytes) in stages) total = total > long.MaxValue - bytes ? long.MaxValue : total + bytes;
        return total;
    }
}
