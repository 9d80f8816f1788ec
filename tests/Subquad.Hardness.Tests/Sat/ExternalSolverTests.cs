using System.Diagnostics;
using Subquad.Core.Solvers;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Generators;
using Subquad.Hardness.Sat;
using Subquad.Hardness.Tests.Support;

namespace Subquad.Hardness.Tests.Sat;

/// <summary>
/// Random 3-SAT around the threshold (m/N in 4.0-4.5) decided through every chain and compared with minisat and
/// cadical (Debian packages; skipped with a reason when absent). 240 seeds by default (N = 8..20); with
/// SUBQUAD_LONG_TESTS=1, N = 8..30 (OV chain only beyond N = 22).
/// </summary>
public class ExternalSolverTests
{
    private static bool RunSolver(string tool, string cnf, string name)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (name == "minisat")
        {
            start.ArgumentList.Add("-verb=0");
            start.ArgumentList.Add(cnf);
        }
        else
        {
            start.ArgumentList.Add("-q");
            start.ArgumentList.Add(cnf);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode switch
        {
            10 => true,
            20 => false,
            _ => throw new InvalidOperationException($"{name} exited with {process.ExitCode} on {cnf}"),
        };
    }

    [Fact]
    public void RandomThreeSat_NearTheThreshold_AgreesWithMinisatAndCadical_ThroughEveryChain()
    {
        var minisat = TestData.Tool("minisat");
        var cadical = TestData.Tool("cadical");
        if (minisat is null || cadical is null) Assert.Skip($"needs minisat and cadical (apt-get install minisat cadical); found minisat={minisat ?? "no"}, cadical={cadical ?? "no"}");
        // Long: 10 formulas per N up to 30 (N >= 23 through the OV chain only: the oracle needs minutes per UNSAT N = 30).
        int seeds = TestData.LongTests ? 230 : 240;
        int maxN = TestData.LongTests ? 30 : 20;
        var dir = Directory.CreateTempSubdirectory("subquad-sat-");
        try
        {
            int sat = 0;
            for (int seed = 0; seed < seeds; seed++)
            {
                int n = 8 + seed % (maxN - 7);
                double ratio = 4.0 + 0.5 * ((seed * 7919) % 101) / 100.0;
                int m = (int)Math.Round(ratio * n);
                var formula = RandomKSat.Generate(n, m, 3, seed);
                string file = Path.Combine(dir.FullName, $"r{seed}.cnf");
                DimacsWriter.WriteFile(file, formula);
                bool expected = RunSolver(minisat!, file, "minisat");
                Assert.True(expected == RunSolver(cadical!, file, "cadical"), $"seed {seed}: minisat and cadical disagree");
                if (expected) sat++;
                // The quadratic chains stop at N = 22 (2^12 rows a side, 2^24 mono pairs for LSD); OV goes to maxN.
                var chains = n <= 22 ? SatChain.All : [SatChain.Ov];
                foreach (var chain in chains)
                {
                    var report = SatDecider.Decide(formula, chain, ExactSolvers.Default);
                    Assert.True(report.Outcome.Satisfiable == expected, $"seed {seed} (N = {n}, m = {m}) via {chain.Name}: minisat says {(expected ? "SAT" : "UNSAT")}");
                    if (expected) Assert.True(formula.IsSatisfiedBy(report.Outcome.Assignment!.ToArray()));
                }
            }

            Assert.InRange(sat, seeds / 5, seeds * 4 / 5); // near the threshold both answers occur
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void SmallRandomFormulas_EveryChainAgreesWithEnumeration()
    {
        var random = new Random(99);
        for (int trial = 0; trial < 400; trial++)
        {
            var formula = Reductions.CnfSatToOrthogonalVectorsTests.RandomCnf(random, 9, 30);
            bool expected = formula.SolveByEnumeration() is not null;
            foreach (var chain in SatChain.All)
            {
                var report = SatDecider.Decide(formula, chain, BruteForce.Instance);
                Assert.True(report.Outcome.Satisfiable == expected, $"trial {trial} via {chain.Name}\n{DimacsWriter.ToText(formula)}");
            }
        }
    }

    [Fact]
    public void ChainStages_CanBeSwapped_ThresholdLsdThenHalvingThenTensoring()
    {
        // A chain nobody ships: A.4, Cor 3.2 (LSD_0), the A.8 halving into bichromatic LSD_0 calls, and B.2 tensoring
        // (q = 2: LSD_0 becomes LSD_{0^2}) before the oracle. Swapping stages is a list edit.
        var custom = new SatChain("custom", "LSD_0 on tensored halves",
            () => [Subquad.Hardness.Reductions.BichromaticOvToOv.Instance, Subquad.Hardness.Reductions.OvToLsd.ThresholdZero,
                   Subquad.Hardness.Reductions.MonochromaticByHalving.Instance, new Subquad.Hardness.Reductions.Tensoring(2)]);
        var random = new Random(1234);
        for (int trial = 0; trial < 120; trial++)
        {
            var formula = Reductions.CnfSatToOrthogonalVectorsTests.RandomCnf(random, 7, 24);
            bool expected = formula.SolveByEnumeration() is not null;
            var report = SatDecider.Decide(formula, custom, BruteForce.Instance);
            Assert.True(report.Outcome.Satisfiable == expected, $"trial {trial}\n{DimacsWriter.ToText(formula)}");
            Assert.Equal(6, report.Stages.Count); // split and list, four reductions, the solve
        }
    }
}
