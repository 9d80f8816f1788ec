using Subquad.Lab.Duel;
using Subquad.Lab.Reports;

namespace Subquad.Lab.Tests.Duel;

/// <summary>
/// The default experiment with the test OV construction, written to $SUBQUAD_DUEL_OUT (default: a temp folder): how the
/// numbers in the helper's report were measured before the transformer side is merged. SUBQUAD_LONG_TESTS=1 only.
/// </summary>
public sealed class DuelLongRun
{
    [Fact]
    public void DefaultExperiment_WithTheTestConstruction_WritesAReport()
    {
        if (Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") != "1") Assert.Skip("long run: set SUBQUAD_LONG_TESTS=1 (about a minute)");
        string dir = Environment.GetEnvironmentVariable("SUBQUAD_DUEL_OUT") ?? Path.Combine(Path.GetTempPath(), "subquad-duel-long");
        DuelOutput.EnsureWritable(dir, force: false);
        var result = new DuelRunner(DuelExperiment.Default).Run();
        DuelOutput.Write(result, dir);
        Assert.True(result.Completed);
        Assert.All(result.Rows.Where(r => r.Kind is "transformer"), r => Assert.True(r.Correct));
    }
}
