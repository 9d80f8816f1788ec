using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Reductions;

namespace Subquad.Hardness.Tests.Reductions;

public class CnfSatToOrthogonalVectorsTests
{
    /// <summary>Random CNFs with every oddity: empty clauses, duplicates, tautologies, unused variables, m = 0, N = 0.</summary>
    internal static CnfFormula RandomCnf(Random random, int maxVariables, int maxClauses)
    {
        int n = random.Next(0, maxVariables + 1);
        int m = random.Next(0, maxClauses + 1);
        var clauses = new List<int[]>();
        for (int c = 0; c < m; c++)
        {
            int width = n == 0 ? 0 : (random.Next(30) == 0 ? 0 : random.Next(1, 5));
            clauses.Add(Enumerable.Range(0, width).Select(_ => random.Next(1, n + 1) * (random.Next(2) == 0 ? 1 : -1)).ToArray());
        }

        return new CnfFormula(n, clauses);
    }

    [Fact]
    public void SplitAndList_PreservesSatisfiability_OnThousandsOfSmallCnfs_AndTheDecodedAssignmentSatisfies()
    {
        var random = new Random(2005);
        int satisfiable = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var formula = RandomCnf(random, 10, 45);
            var truth = formula.SolveByEnumeration();
            var outcome = CnfSatToOrthogonalVectors.Reduce(formula).Solve(BruteForce.Instance);
            Assert.True(truth is not null == outcome.Satisfiable, $"trial {trial}: enumeration says {(truth is null ? "UNSAT" : "SAT")}\n{DimacsWriter.ToText(formula)}");
            if (outcome.Satisfiable)
            {
                satisfiable++;
                Assert.True(formula.IsSatisfiedBy(outcome.Assignment!.ToArray()));
            }
        }

        Assert.InRange(satisfiable, 300, 2700); // both answers are well represented
    }

    [Fact]
    public void EveryBit_IsOneExactlyWhenTheHalfAssignmentMissesTheClause_AndSizesAreTwoToTheHalf()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var formula = RandomCnf(random, 9, 12);
            var (a, b) = CnfSatToOrthogonalVectors.Halves(formula);
            int n = formula.VariableCount, h = (n + 1) / 2;
            Assert.Equal(1 << h, a.Count);
            Assert.Equal(1 << (n - h), b.Count);
            Assert.Equal(Math.Max(formula.ClauseCount, 1), a.Dimensions);
            for (int c = 0; c < formula.ClauseCount; c++)
            {
                var clause = formula.Clause(c).ToArray();
                for (int x = 0; x < a.Count; x++)
                {
                    bool satisfied = clause.Any(lit => Math.Abs(lit) <= h && (((x >> (Math.Abs(lit) - 1)) & 1) == 1) == lit > 0);
                    Assert.Equal(!satisfied, a[x, c]);
                }

                for (int y = 0; y < b.Count; y++)
                {
                    bool satisfied = clause.Any(lit => Math.Abs(lit) > h && (((y >> (Math.Abs(lit) - 1 - h)) & 1) == 1) == lit > 0);
                    Assert.Equal(!satisfied, b[y, c]);
                }
            }
        }
    }

    [Fact]
    public void Decoder_RejectsAPairThatIsNotASolution()
    {
        var formula = new CnfFormula(2, [[1], [2]]);
        Assert.Throws<InvalidOperationException>(() => CnfSatToOrthogonalVectors.Decode(formula, 0, 0));
        Assert.Equal([true, true], CnfSatToOrthogonalVectors.Decode(formula, 1, 1));
        var liar = new Reduction<SatOutcome>(1, _ => throw new InvalidOperationException(), _ => new SatOutcome(true, CnfSatToOrthogonalVectors.Decode(formula, 0, 1)));
        Assert.Throws<InvalidOperationException>(() => liar.Decode(_ => throw new InvalidOperationException()));
    }

    [Fact]
    public void LyingSolver_IsCaughtByTheDecoderBeforeAnythingIsReported()
    {
        var formula = new CnfFormula(2, [[1], [2], [-1, -2]]);
        var liar = new LyingOvSolver();
        Assert.Throws<InvalidOperationException>(() => CnfSatToOrthogonalVectors.Reduce(formula).Solve(liar));
    }

    private sealed class LyingOvSolver : ISimilaritySolver
    {
        public string Name => "liar";

        public Answer Solve(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default) =>
            Answer.Pair(problem, 1, 1, default);
    }

    [Theory]
    [InlineData(50, 218, "2^25 + 2^25 rows x 218 bits", "4.00 GiB")]
    [InlineData(75, 325, "2^38 + 2^37 rows x 325 bits", "2^30-row limit")]
    public void TooLarge_IsRefusedWithTheSize(int n, int m, string shape, string size)
    {
        var formula = new CnfFormula(n, Enumerable.Range(0, m).Select(c => new[] { c % n + 1 }));
        var ex = Assert.Throws<InputException>(() => CnfSatToOrthogonalVectors.Halves(formula, source: "big.cnf"));
        Assert.Contains(shape, ex.Message);
        Assert.Contains(size, ex.Message);
        Assert.Equal("big.cnf", ex.Source_);
    }

    [Fact]
    public void MemoryBudget_IsTheBoundary()
    {
        var formula = new CnfFormula(20, [[1]]);
        long need = CnfSatToOrthogonalVectors.BytesNeeded(20, 1);
        Assert.Equal(2048L * 64, need);
        CnfSatToOrthogonalVectors.CheckSize(formula, new SplitAndListOptions { MemoryBudgetBytes = need });
        Assert.Throws<InputException>(() => CnfSatToOrthogonalVectors.CheckSize(formula, new SplitAndListOptions { MemoryBudgetBytes = need - 1 }));
    }
}
