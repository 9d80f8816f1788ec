using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Subquad.Cli.Commands;
using Subquad.Hardness.Cnf;

namespace Subquad.Cli.Tests.Hardness;

/// <summary>End-to-end runs of <c>sat</c>, <c>reduce</c> and the hardness <c>generate</c> subcommands, in-process.</summary>
public sealed class HardnessCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("subquad-cli-hardness-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SubquadApp.Run(args, output, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The generate subcommands under a root of their own (the lead wires them into 'generate').</summary>
    private static (int Code, string Out, string Err) Generate(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var io = new CliIO(output, error, false);
        var generate = new Command("generate");
        foreach (var c in HardnessGenerateCommands.Create(io)) generate.Subcommands.Add(c);
        var root = new RootCommand { generate };
        int code;
        try
        {
            code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            code = SubquadApp.Report(ex, io, verbose: false);
        }

        return (code, output.ToString(), error.ToString());
    }

    private static bool[] ParseModel(string output, int variables)
    {
        var literals = output.Split('\n').Where(l => l.StartsWith("v ", StringComparison.Ordinal))
            .SelectMany(l => l[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).ToList();
        Assert.Equal(0, literals[^1]);
        Assert.Equal(variables, literals.Count - 1);
        var model = new bool[variables];
        foreach (int lit in literals.Take(variables)) model[Math.Abs(lit) - 1] = lit > 0;
        return model;
    }

    [Theory]
    [InlineData("ov")]
    [InlineData("lsd")]
    [InlineData("bmaxip")]
    [InlineData("bmsd")]
    public void Sat_Satisfiable_PrintsVerifiedModel_StageLines_AndExits10(string via)
    {
        var file = PathOf("sat.cnf");
        File.WriteAllText(file, "c messy\np cnf 6  5 \n 1 -2 0 2 3\n0\n-1 -3 4 0\n-4 5 6 0\n-6 -5 0\n%\n0\n\n");
        var (code, output, error) = Run("sat", file, "--via", via, "--solver", "oracle");
        Assert.True(code == 10, error + output);
        Assert.Contains("s SATISFIABLE", output);
        Assert.Contains("c stage split and list (Williams 2005)", output);
        Assert.Contains("vectors/s", output);
        var formula = DimacsReader.ReadFile(file).Formula;
        Assert.True(formula.IsSatisfiedBy(ParseModel(output, 6)));
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches("^[csv] ", l));
    }

    [Fact]
    public void Sat_Unsatisfiable_Exits20_AndOvChainReportsPairsPerSecond()
    {
        var file = PathOf("unsat.cnf");
        File.WriteAllText(file, "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n");
        var (code, output, _) = Run("sat", file);
        Assert.Equal(20, code);
        Assert.Contains("s UNSATISFIABLE", output);
        Assert.Contains("pairs/s", output);
        Assert.DoesNotContain("\nv ", output);
    }

    [Fact]
    public void Sat_BadFile_IsOneLineWithLineNumber_Exit2()
    {
        var file = PathOf("bad.cnf");
        File.WriteAllText(file, "p cnf 2 1\n1 3 0\n");
        var (code, _, error) = Run("sat", file);
        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("line 2", error);
        Assert.Contains("out of range", error);
    }

    [Fact]
    public void Sat_Lenient_AcceptsCountMismatch_WithAWarningLine()
    {
        var file = PathOf("count.cnf");
        File.WriteAllText(file, "p cnf 2 9\n1 0\n");
        Assert.Equal(2, Run("sat", file).Code);
        var (code, output, _) = Run("sat", file, "--lenient");
        Assert.Equal(10, code);
        Assert.Contains("c warning: line 1: the header declares 9 clauses but the file has 1", output);
    }

    [Fact]
    public void Sat_TooLarge_IsRefusedWithTheSize()
    {
        var file = PathOf("big.cnf");
        File.WriteAllText(file, "p cnf 60 1\n1 60 0\n");
        // Too large for the route: answered "s UNKNOWN" with the size it would need, exit 0, as solvers do (issue 16).
        var (code, output, _) = Run("sat", file);
        Assert.Equal(0, code);
        Assert.Contains("2^30 + 2^30 rows x 1 bits", output);
        Assert.Contains("GiB", output);
        Assert.EndsWith("s UNKNOWN", output.TrimEnd());
    }

    [Theory]
    [InlineData("ov")]
    [InlineData("lsd")]
    [InlineData("bmaxip")]
    [InlineData("bmsd")]
    public void Reduce_WritesNpyAndSidecar_AndNeverOverwritesWithoutForce(string to)
    {
        var file = PathOf("f.cnf");
        DimacsWriter.WriteFile(file, Subquad.Hardness.Generators.RandomKSat.Generate(8, 34, 3, 5));
        var outDir = PathOf("out-" + to);
        var (code, _, error) = Run("reduce", file, "--to", to, "-o", outDir);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "chain.json")));
        Assert.Equal(to, json.RootElement.GetProperty("chain").GetString());
        var stages = json.RootElement.GetProperty("stages");
        Assert.Equal("split and list", stages[0].GetProperty("name").GetString());
        Assert.Equal(16, stages[0].GetProperty("rows_a").GetInt32());
        foreach (var q in json.RootElement.GetProperty("queries").EnumerateArray())
        {
            foreach (var side in new[] { "a", "b", "vectors" })
            {
                if (q.TryGetProperty(side, out var name)) Assert.True(File.Exists(Path.Combine(outDir, name.GetString()!)));
            }
        }

        var npy = Directory.GetFiles(outDir, "*.npy");
        Assert.NotEmpty(npy);
        var again = Run("reduce", file, "--to", to, "-o", outDir);
        Assert.Equal(2, again.Code);
        Assert.Contains("--force", again.Err);
        Assert.Equal(0, Run("reduce", file, "--to", to, "-o", outDir, "--force").Code);
        AssertNpyMagic(npy[0]);
    }

    [Fact]
    public void Reduce_OvFiles_LoadInNumpy_WithTwoToTheHalfRows()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Skip("/usr/bin/python3 (with numpy) not found");
        var file = PathOf("g.cnf");
        DimacsWriter.WriteFile(file, Subquad.Hardness.Generators.RandomKSat.Generate(9, 38, 3, 6));
        var outDir = PathOf("np");
        Assert.Equal(0, Run("reduce", file, "--to", "ov", "-o", outDir).Code);
        AssertNpyMagic(Path.Combine(outDir, "A.npy"));
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import numpy as np,sys; a=np.load(sys.argv[1]); b=np.load(sys.argv[2]); print(a.shape, b.shape, a.dtype, int(a.max()))");
        start.ArgumentList.Add(Path.Combine(outDir, "A.npy"));
        start.ArgumentList.Add(Path.Combine(outDir, "B.npy"));
        using var p = Process.Start(start)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && stderr.Contains("No module named 'numpy'")) Assert.Skip("numpy is not installed for /usr/bin/python3");
        Assert.True(p.ExitCode == 0, stderr);
        Assert.Equal("(32, 38) (16, 38) uint8 1", stdout.Trim());
    }

    /// <summary>The .npy magic is the byte 0x93 then "NUMPY" (an earlier NpyWriter wrote U+0093 as UTF-8, C2 93: a failure now, no longer a skip).</summary>
    private static void AssertNpyMagic(string npy)
    {
        var head = File.ReadAllBytes(npy).AsSpan(0, 6).ToArray();
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }, head);
    }

    [Fact]
    public void GenerateKsat_WritesSeededDimacs_AndRefusesOverwrite()
    {
        var file = PathOf("k.cnf");
        var (code, output, error) = Generate("generate", "ksat", "--vars", "12", "--clauses", "51", "--k", "3", "--seed", "4", "-o", file);
        Assert.True(code == 0, error);
        Assert.Contains("12 variables, 51 clauses", output);
        var formula = DimacsReader.ReadFile(file).Formula;
        Assert.Equal(DimacsWriter.ToText(Subquad.Hardness.Generators.RandomKSat.Generate(12, 51, 3, 4)), DimacsWriter.ToText(formula));
        Assert.Equal(2, Generate("generate", "ksat", "--vars", "12", "--clauses", "51", "-o", file).Code);
        Assert.Equal(1, Generate("generate", "ksat", "--vars", "3", "--clauses", "5", "--k", "4", "-o", PathOf("k2.cnf")).Code);
    }

    [Fact]
    public void GenerateHardOv_PlantsAnOrthogonalPair()
    {
        var file = PathOf("h.npy");
        var (code, output, error) = Generate("generate", "hard-ov", "--n", "300", "--dim", "40", "--plant", "--seed", "3", "-o", file);
        Assert.True(code == 0, error);
        Assert.Contains("planted orthogonal pair", output);
        Assert.True(new FileInfo(file).Length > 300 * 40);
    }
}
