using Subquad.Core;
using Subquad.Core.Solvers;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Sat;
using Subquad.Hardness.Tests.Support;

namespace Subquad.Hardness.Tests.Sat;

/// <summary>
/// The real SATLIB files in ../shared/data/satlib (read in place, never copied), decided through the chains and
/// compared with the MANIFEST's answers (from minisat). Skips with a reason when the data is absent.
/// </summary>
public class SatlibTests
{
    private static void AssertDecided(SatReport report, CnfFormula formula, bool expected, string context)
    {
        Assert.True(report.Outcome.Satisfiable == expected, $"{context}: expected {(expected ? "SAT" : "UNSAT")} (MANIFEST), chain {report.Chain} said {(report.Outcome.Satisfiable ? "SAT" : "UNSAT")}");
        if (expected) Assert.True(formula.IsSatisfiedBy(report.Outcome.Assignment!.ToArray()), $"{context}: assignment does not satisfy");
    }

    [Fact]
    public void EveryManifestFile_ParsesStrictly_WithTheDeclaredCounts()
    {
        var satlib = TestData.RequireSatlib();
        var manifest = TestData.Manifest(satlib);
        Assert.Equal(3377, manifest.Count);
        foreach (var (path, variables, clauses, _) in manifest)
        {
            var doc = DimacsReader.ReadFile(Path.Combine(satlib, path));
            Assert.Equal(variables, doc.Formula.VariableCount);
            Assert.Equal(clauses, doc.Formula.ClauseCount);
            Assert.DoesNotContain(doc.Warnings, w => w.Contains("empty clause")); // the % 0 trailer is not a clause
        }
    }

    [Fact]
    public void Uf20_EveryInstance_IsDecidedCorrectly_ThroughTheOvChain()
    {
        var satlib = TestData.RequireSatlib();
        var files = TestData.Manifest(satlib).Where(m => m.Path.StartsWith("uf20-91/", StringComparison.Ordinal)).ToList();
        Assert.Equal(1000, files.Count);
        foreach (var (path, _, _, expected) in files)
        {
            var formula = DimacsReader.ReadFile(Path.Combine(satlib, path)).Formula;
            AssertDecided(SatDecider.Decide(formula, SatChain.Ov, ExactSolvers.Default), formula, expected, path);
        }
    }

    [Fact]
    public void Uf20_SeededSample_IsDecidedCorrectly_ThroughEveryChain()
    {
        var satlib = TestData.RequireSatlib();
        var files = TestData.Manifest(satlib).Where(m => m.Path.StartsWith("uf20-91/", StringComparison.Ordinal)).ToList();
        var seeded = new Random(2024);
        var sample = TestData.LongTests ? files : files.OrderBy(_ => seeded.Next()).Take(10).ToList();
        foreach (var (path, _, _, expected) in sample)
        {
            var formula = DimacsReader.ReadFile(Path.Combine(satlib, path)).Formula;
            foreach (var chain in SatChain.All.Where(c => c.Name != "ov"))
            {
                AssertDecided(SatDecider.Decide(formula, chain, ExactSolvers.Default), formula, expected, $"{path} via {chain.Name}");
            }
        }
    }

    [Fact]
    public void LargerSets_ParseAndAreRefusedBySplitAndList_WithTheSizeInTheMessage()
    {
        var satlib = TestData.RequireSatlib();
        var budget = SplitAndListOptions.Default;
        int refused = 0, admitted = 0;
        foreach (var (path, variables, clauses, _) in TestData.Manifest(satlib).Where(m => !m.Path.StartsWith("uf20-91/", StringComparison.Ordinal)))
        {
            var formula = DimacsReader.ReadFile(Path.Combine(satlib, path)).Formula;
            if (CnfSatToOrthogonalVectors.BytesNeeded(variables, clauses) <= budget.MemoryBudgetBytes)
            {
                admitted++; // pigeon-hole/hole6 (42 variables): admitted by memory, see Hole6_BuildsWithinTheBudget
                continue;
            }

            var ex = Assert.Throws<InputException>(() => CnfSatToOrthogonalVectors.Reduce(formula, budget, path));
            Assert.Contains($"for N = {variables} variables", ex.Message);
            Assert.Matches(@"2\^\d+ \+ 2\^\d+ rows x \d+ bits", ex.Message);
            refused++;
        }

        Assert.Equal(2376, refused);
        Assert.Equal(1, admitted);
    }

    [Fact]
    public void Hole6_BuildsWithinTheBudget_TwoToThe21RowsASide()
    {
        if (!TestData.LongTests) Assert.Skip("builds 2 x 2^21 rows (256 MiB); set SUBQUAD_LONG_TESTS=1. Deciding it (4.4e12 pairs, UNSAT) is out of reach of a test");
        var satlib = TestData.RequireSatlib();
        var formula = DimacsReader.ReadFile(Path.Combine(satlib, "pigeon-hole/hole6.cnf")).Formula;
        var (a, b) = CnfSatToOrthogonalVectors.Halves(formula);
        Assert.Equal(1 << 21, a.Count);
        Assert.Equal(1 << 21, b.Count);
        Assert.Equal(133, a.Dimensions);
    }
}
