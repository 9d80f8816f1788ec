using Subquad.Core;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Generators;

namespace Subquad.Hardness.Tests.Cnf;

public class DimacsReaderTests
{
    private static int[][] ClausesOf(CnfFormula f) => f.Clauses.Select(c => c.ToArray()).ToArray();

    [Fact]
    public void SatlibTrailer_PercentThenZero_IsNotAnEmptyClause()
    {
        var doc = DimacsReader.Parse("c mcnf\np cnf 3  2 \n 1 -2 3 0\n-1 2 0\n%\n0\n\n");
        Assert.Equal(3, doc.Formula.VariableCount);
        Assert.Equal([[1, -2, 3], [-1, 2]], ClausesOf(doc.Formula));
        Assert.Empty(doc.Warnings);
    }

    [Fact]
    public void CommentsAnywhere_BlankLines_TabsAndCrlf_AreAccepted()
    {
        var doc = DimacsReader.Parse("c first\r\n\r\np cnf 4 3\r\nc between\n1\t2 0\n\n  c indented comment\n3 -4 0\n-1 0\nc trailing\n");
        Assert.Equal([[1, 2], [3, -4], [-1]], ClausesOf(doc.Formula));
        Assert.Equal(["first", "between", "indented comment", "trailing"], doc.Comments);
    }

    [Fact]
    public void ClausesSpanningLines_AndSeveralPerLine_AreSplitAtZero()
    {
        var doc = DimacsReader.Parse("p cnf 5 4\n1 2\n3 0 -1 -2 0 4\n5\n0\n-5 0\n");
        Assert.Equal([[1, 2, 3], [-1, -2], [4, 5], [-5]], ClausesOf(doc.Formula));
    }

    [Fact]
    public void EmptyClause_IsKept_AndMakesTheFormulaUnsatisfiable()
    {
        var doc = DimacsReader.Parse("p cnf 2 2\n1 2 0\n0\n");
        Assert.Equal(2, doc.Formula.ClauseCount);
        Assert.Empty(doc.Formula.Clause(1).ToArray());
        Assert.Contains(doc.Warnings, w => w.Contains("line 3") && w.Contains("empty clause"));
        Assert.Null(doc.Formula.SolveByEnumeration());
    }

    [Fact]
    public void DuplicateLiteralsAndTautologies_AreKeptWithNotes()
    {
        var doc = DimacsReader.Parse("p cnf 3 2\n-2 -2 3 0\n1 -1 2 0\n");
        Assert.Equal([[-2, -2, 3], [1, -1, 2]], ClausesOf(doc.Formula));
        Assert.Contains(doc.Warnings, w => w.StartsWith("line 2") && w.Contains("repeats"));
        Assert.Contains(doc.Warnings, w => w.StartsWith("line 3") && w.Contains("tautological"));
        Assert.True(doc.Formula.IsTautology(1));
        Assert.False(doc.Formula.IsTautology(0));
    }

    [Theory]
    [InlineData("p cnf 3 2\n1 2 0\n4 0\n", "line 3", "out of range")]
    [InlineData("p cnf 3 2\n1 2 0\n-4 0\n", "line 3", "-4")]
    [InlineData("p cnf 3 1\n1 x2 0\n", "line 2", "\"x2\"")]
    [InlineData("p cnf 3 1\n1 2.5 0\n", "line 2", "\"2.5\"")]
    [InlineData("p cnf 3\n1 0\n", "line 1", "malformed header")]
    [InlineData("p sat 3 1\n1 0\n", "line 1", "malformed header")]
    [InlineData("p cnf -3 1\n1 0\n", "line 1", "variable count")]
    [InlineData("p cnf 3 1\n1 0\np cnf 3 1\n", "line 3", "second 'p' header")]
    [InlineData("1 2 0\np cnf 3 1\n", "line 1", "before any 'p cnf")]
    [InlineData("c nothing\n", null, "no 'p cnf")]
    [InlineData("p cnf 3 2\n1 2 0\n", "line 1", "declares 2 clauses but the file has 1")]
    [InlineData("p cnf 3 1\n1 2 0\n3 0\n", "line 1", "declares 1 clause but the file has 2")]
    [InlineData("p cnf 3 1\n1 2\n", "line 2", "no terminating 0")]
    public void StrictErrors_NameFileLineAndProblem(string text, string? location, string fragment)
    {
        var ex = Assert.Throws<InputException>(() => DimacsReader.Parse(text, "bad.cnf"));
        Assert.Equal("bad.cnf", ex.Source_);
        Assert.Equal(location, ex.Location);
        Assert.Contains(fragment, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Lenient_TurnsCountDisagreementsIntoWarnings_ButNotOutOfRangeLiterals()
    {
        var lenient = new DimacsReadOptions { Lenient = true };
        var doc = DimacsReader.Parse("p cnf 3 5\n1 2 0\n-3 0\n", "f.cnf", lenient);
        Assert.Equal(2, doc.Formula.ClauseCount);
        Assert.Contains(doc.Warnings, w => w.Contains("declares 5 clauses but the file has 2"));

        var noHeader = DimacsReader.Parse("1 -7 0\n2", "g.cnf", lenient);
        Assert.Equal(7, noHeader.Formula.VariableCount);
        Assert.Equal([[1, -7], [2]], ClausesOf(noHeader.Formula));
        Assert.Contains(noHeader.Warnings, w => w.Contains("no 'p cnf' header"));
        Assert.Contains(noHeader.Warnings, w => w.Contains("no terminating 0"));

        var ex = Assert.Throws<InputException>(() => DimacsReader.Parse("p cnf 2 1\n1 3 0\n", "h.cnf", lenient));
        Assert.Equal("line 2", ex.Location);
    }

    [Fact]
    public void Writer_RoundTripsRandomFormulas_IncludingEmptyAndOddClauses()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(0, 12);
            var clauses = new List<int[]>();
            int m = random.Next(0, 20);
            for (int c = 0; c < m; c++)
            {
                int width = n == 0 ? 0 : random.Next(0, 6);
                clauses.Add(Enumerable.Range(0, width).Select(_ => random.Next(1, n + 1) * (random.Next(2) == 0 ? 1 : -1)).ToArray());
            }

            var formula = new CnfFormula(n, clauses);
            var text = DimacsWriter.ToText(formula, ["generated", "seed 11"]);
            var back = DimacsReader.Parse(text).Formula;
            Assert.Equal(n, back.VariableCount);
            Assert.Equal(ClausesOf(formula), ClausesOf(back));
        }
    }

    [Fact]
    public void RandomKSat_IsSeededAndSatlibShaped()
    {
        var f = RandomKSat.Generate(20, 91, 3, 7);
        var g = RandomKSat.Generate(20, 91, 3, 7);
        Assert.Equal(DimacsWriter.ToText(f), DimacsWriter.ToText(g));
        Assert.NotEqual(DimacsWriter.ToText(f), DimacsWriter.ToText(RandomKSat.Generate(20, 91, 3, 8)));
        for (int c = 0; c < f.ClauseCount; c++)
        {
            Assert.Equal(3, f.Clause(c).Length);
            Assert.Equal(3, f.Clause(c).ToArray().Select(Math.Abs).Distinct().Count());
        }
    }

    [Fact]
    public void IsSatisfiedBy_MatchesClauseByClauseDefinition()
    {
        var f = new CnfFormula(3, [[1, -2], [2, 3], [-1, -3], []]);
        Assert.Equal(3, f.FirstFalsifiedClause([true, true, false]));
        Assert.Equal(1, f.FirstFalsifiedClause([false, false, false]));
        Assert.Throws<ArgumentException>(() => f.IsSatisfiedBy([true]));
        Assert.Throws<ArgumentException>(() => new CnfFormula(2, [[3]]));
    }
}
