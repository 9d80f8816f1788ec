using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Subquad.Core.IO;
using Subquad.Hardness.Generators;

namespace Subquad.Cli.Tests;

/// <summary>
/// Regression tests for the nine failure classes of issue 17 (hostile and oversized input). Each asserts the one-line
/// error and the exit code (never 70), and where the issue asks for bounded memory, the peak RSS of a child process.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs <c>subquad</c> as a child process; returns exit code, stdout, stderr and peak RSS (VmHWM) in bytes.</summary>
    internal static (int Code, string Out, string Err, long PeakBytes) Child(IEnumerable<string> args, Action<Process>? whileRunning = null, IDictionary<string, string>? environment = null, int timeoutMs = 120_000)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "subquad.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        bool signalled = false;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            if (!signalled && whileRunning is not null && clock.ElapsedMilliseconds > 1500)
            {
                whileRunning(process);
                signalled = true;
            }

            if (clock.ElapsedMilliseconds > timeoutMs)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"subquad {string.Join(' ', args)} did not finish in {timeoutMs} ms");
            }

            Thread.Sleep(10);
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result, peak);
    }

    private static long PeakRss(int pid) => ProcStatus.Bytes(pid, "VmHWM");

    private static void AssertInputError(CliHarness.Result result, string contains)
    {
        Assert.True(result.Code == 2, $"exit {result.Code}: {result.Err}");
        Assert.Contains(contains, result.ErrorLine, StringComparison.Ordinal);
    }

    private static byte[] NpyHeaderOnly(string dict, int major = 1)
    {
        var header = Encoding.Latin1.GetBytes(dict + "\n");
        var prefix = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var length = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        return [.. prefix, .. length, .. header];
    }

    private static readonly bool Long = Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") is { Length: > 0 };

    // 1. The plan is lazy: OV on 2^23 + 2^23 rows (sat of p cnf 46 1, SUBQUAD_LONG_TESTS; 40 variables by default,
    // 2^20 + 2^20 rows) stays O(n), far below the 17.9 GB the listed plan took at 46.
    [Fact]
    public void Class1_SatOfManyVariables_RunsInMemoryLinearInTheHalves()
    {
        int variables = Long ? 46 : 40;
        string cnf = _temp.File("f.cnf");
        File.WriteAllText(cnf, string.Create(CultureInfo.InvariantCulture, $"p cnf {variables} 1\n1 -{variables} 0\n"));
        var (code, output, err, peak) = Child(["sat", cnf]);
        Assert.True(code == 10, $"exit {code}: {err}");
        Assert.Contains("s SATISFIABLE", output, StringComparison.Ordinal);
        // The two halves are 2 x 2^(N/2) rows x 64 bytes (1 GiB at 46, 128 MiB at 40); the engine adds O(n) arrays.
        // A listed plan of 2^N pairs could not fit at all.
        long halves = 2L * (1L << (variables / 2)) * 64;
        Assert.True(peak < (3 * halves) + (256L << 20), $"peak RSS {peak / (1 << 20)} MiB for halves of {halves >> 20} MiB");
    }

    // 2a. The chain is refused up front with what it needs: s UNKNOWN on a c line, exit 0 (as SAT solvers do).
    [Fact]
    public void Class2_ReductionChainOverBudget_IsRefusedWithWhatItNeeds()
    {
        string cnf = _temp.File("k.cnf");
        File.WriteAllText(cnf, "p cnf 30 2\n1 2 0\n-1 3 0\n");
        var result = CliHarness.Run("sat", cnf, "--via", "bmsd", "--max-memory-gib", "0.01");
        Assert.True(result.Code == 0, $"exit {result.Code}: {result.Err}");
        Assert.Contains("s UNKNOWN", result.Out, StringComparison.Ordinal);
        Assert.Contains("needs", result.Out, StringComparison.Ordinal);
        Assert.Contains("--max-memory-gib", result.Out, StringComparison.Ordinal);
    }

    private static string RandomCnf(string path, int variables, int clauses, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path);
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"p cnf {variables} {clauses}\n"));
        for (int c = 0; c < clauses; c++)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < 3) chosen.Add(random.Next(1, variables + 1));
            foreach (int v in chosen) writer.Write(string.Create(CultureInfo.InvariantCulture, $"{(random.Next(2) == 0 ? v : -v)} "));
            writer.Write("0\n");
        }

        return path;
    }

    private static long Estimate(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("memory_estimate_bytes").GetInt64();

    // 2d. sat --via transformer: 12 variables x 2,000 clauses peaked past 6 GB (the list of every achievable cosine at
    // l = 2,000); now its memory follows the construction's d_in^2 weights, and the up-front estimate is honest: the
    // peak beyond a tiny run of the same route is within 2x of it. Over the budget it is refused before building.
    [Fact]
    public void Class2_TransformerRoute_PeakFollowsTheUpFrontEstimate_AndOverBudgetIsRefused()
    {
        string tiny = RandomCnf(_temp.File("tiny.cnf"), 12, 20, 1);
        string big = RandomCnf(_temp.File("big.cnf"), 12, 2000, 1);
        var baseline = Child(["sat", tiny, "--via", "transformer", "--format", "json"]);
        Assert.True(baseline.Code is 10 or 20, $"exit {baseline.Code}: {baseline.Err}");
        var run = Child(["sat", big, "--via", "transformer", "--format", "json"]);
        Assert.True(run.Code is 10 or 20, $"exit {run.Code}: {run.Err}");
        long estimate = Estimate(run.Out), beyond = run.PeakBytes - baseline.PeakBytes;
        Assert.True(beyond <= 2 * estimate && beyond >= estimate / 2, $"peak {run.PeakBytes >> 20} MiB, baseline {baseline.PeakBytes >> 20} MiB, estimate {estimate >> 20} MiB");

        var refused = Child(["sat", big, "--via", "transformer", "--max-memory-gib", "0.05"]);
        Assert.True(refused.Code == 0, $"exit {refused.Code}: {refused.Err}");
        Assert.Contains("s UNKNOWN", refused.Out, StringComparison.Ordinal);
        Assert.Contains("solver transformer", refused.Out, StringComparison.Ordinal);
        Assert.Contains("--max-memory-gib", refused.Out, StringComparison.Ordinal);
        Assert.True(refused.PeakBytes < baseline.PeakBytes + (estimate / 4), $"refused run peaked at {refused.PeakBytes >> 20} MiB");
    }

    // 2e. sat --via bmsd on long clauses lists (4.3M clauses took 9.8 GB: 64-row staging blocks of 1.6 MB Lemma B.5 rows
    // for 1 x 1 queries, 4,096 times): every stage is sized before it is built, refused under a lowered budget with
    // the memory stays small, and when it runs the peak stays within 2x of the estimate beyond the formula itself
    // (the refused run has read the same formula).
    [Fact]
    public void Class2_BmsdChainOfManyClauses_IsSizedBeforeItIsBuilt()
    {
        string cnf = RandomCnf(_temp.File("long.cnf"), 8, 300_000, 2);
        var refused = Child(["sat", cnf, "--via", "bmsd", "--max-memory-gib", "0.005", "--format", "json"]);
        Assert.True(refused.Code == 0, $"exit {refused.Code}: {refused.Err}");
        var document = System.Text.Json.JsonDocument.Parse(refused.Out).RootElement;
        Assert.Equal("unknown", document.GetProperty("status").GetString());
        Assert.Contains("Lemma B.5", document.GetProperty("reason").GetString(), StringComparison.Ordinal);
        long estimate = document.GetProperty("memory_estimate_bytes").GetInt64();
        Assert.True(estimate > 5L << 20, $"estimate {estimate}");

        var run = Child(["sat", cnf, "--via", "bmsd", "--format", "json"]);
        Assert.True(run.Code is 10 or 20, $"exit {run.Code}: {run.Err}");
        Assert.True(refused.PeakBytes < run.PeakBytes, $"refused {refused.PeakBytes >> 20} MiB, run {run.PeakBytes >> 20} MiB");
        // 16 MiB: the code the run loads and JITs beyond the refusal's (measured ~12 MiB at 8 clauses).
        Assert.True(run.PeakBytes - refused.PeakBytes <= (2 * estimate) + (16L << 20), $"run {run.PeakBytes >> 20} MiB, refused {refused.PeakBytes >> 20} MiB, estimate {estimate >> 20} MiB");
    }

    // 2b. A CSV whose values need more than the memory budget is refused with a line, not an OutOfMemoryException.
    [Fact]
    public void Class2_CsvOverTheMemoryBudget_IsRefusedInAChildWithBoundedMemory()
    {
        string csv = _temp.File("one.csv");
        using (var writer = new StreamWriter(csv))
        {
            // 30M one-value rows (60 MB): 120 MB of floats plus 120 MB of line numbers, over a 150 MiB cap.
            var block = string.Concat(Enumerable.Repeat("1\n", 1 << 20));
            for (int i = 0; i < 30; i++) writer.Write(block);
        }

        var (code, _, err, peak) = Child(["info", csv], environment: new Dictionary<string, string> { [MemoryBudget.Variable] = "150M" });
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Contains("available", err, StringComparison.Ordinal);
        Assert.True(peak < 400L << 20, $"peak RSS {peak / (1 << 20)} MiB");
    }

    // 2c. --all with a slow consumer is bounded (back-pressure), and SIGTERM keeps what was written: exit 143.
    [Fact]
    public void Class2And6_AllPairsToAFile_StaysBounded_AndSigtermKeepsThePartialPairs()
    {
        string input = _temp.File("j.npy");
        CliHarness.Ok("generate", "random", "--n", "6000", "--dim", "16", "--dense", "--seed", "1", "-o", input);
        string pairs = _temp.File("pairs.csv");
        File.WriteAllText(pairs, "complete\n");
        var (code, _, err, peak) = Child(["solve", input, "-p", "msd", "--threshold", "0", "--all", "-o", pairs, "--force"], process => Terminate(process, _temp.Path, ".pairs.csv.subquad-*.tmp"));
        Assert.True(code == 143, $"exit {code}: {err}");
        Assert.Contains("pairs.partial.csv", err, StringComparison.Ordinal);
        Assert.Equal("complete\n", File.ReadAllText(pairs));
        Assert.True(File.Exists(_temp.File("pairs.partial.csv")));
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, "*.tmp"));
        Assert.True(peak < 1L << 30, $"peak RSS {peak / (1 << 20)} MiB");
    }

    /// <summary>SIGTERM once a file matching <paramref name="pattern"/> exists in <paramref name="folder"/> (the verb is writing; up to 60 s).</summary>
    private static void Terminate(Process process, string folder, string pattern)
    {
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && !Directory.EnumerateFiles(folder, pattern).Any() && clock.ElapsedMilliseconds < 60_000) Thread.Sleep(5);
        if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
    }

    // 6b. SIGTERM in verbs that do not stop cooperatively (one process-wide handler): the unfinished output is removed,
    // no earlier file is touched, one line says so, exit 143. generate (caught while writing its temp) and sat (long
    // split and list).
    [Fact]
    public void Class6_SigtermInGenerateAndSat_RemovesUnfinishedOutput_Exit143()
    {
        string target = _temp.File("big.npy");
        var generate = Child(["generate", "random", "--n", "400000", "--dim", "128", "--dense", "--seed", "1", "-o", target], process => Terminate(process, _temp.Path, ".big.npy.subquad-*.tmp"));
        Assert.True(generate.Code == 143, $"exit {generate.Code}: {generate.Err}");
        Assert.Contains("terminated by SIGTERM", generate.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, "*.tmp"));

        string cnf = _temp.File("f44.cnf");
        File.WriteAllText(cnf, "p cnf 44 1\n1 -44 0\n");
        var sat = Child(["sat", cnf], process => Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit());
        Assert.True(sat.Code == 143, $"exit {sat.Code}: {sat.Err}");
        Assert.Contains("terminated by SIGTERM", sat.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("s SATISFIABLE", sat.Out, StringComparison.Ordinal);
    }

    // 3. The .npy header: linear parser, 64 KiB limit, numpy's duplicate-key rule.
    [Fact]
    public void Class3_NpyHeaderBombs_AreRefusedQuickly()
    {
        string bomb = _temp.File("bomb.npy");
        File.WriteAllBytes(bomb, NpyHeaderOnly("{" + string.Concat(Enumerable.Repeat("'shape': (", 6000)), major: 2));
        var clock = Stopwatch.StartNew();
        AssertInputError(CliHarness.Run("solve", bomb, "-p", "msd"), "bomb.npy");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());

        string large = _temp.File("large.npy");
        File.WriteAllBytes(large, NpyHeaderOnly("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }" + new string(' ', 70_000), major: 2));
        AssertInputError(CliHarness.Run("solve", large, "-p", "msd"), "limit");

        // numpy keeps the last of duplicate keys: shape (1, 2) wins over (5, 5), and 8 data bytes follow.
        string duplicate = _temp.File("dup.npy");
        File.WriteAllBytes(duplicate, [.. NpyHeaderOnly("{'descr': '<f4', 'shape': (5, 5), 'fortran_order': False, 'shape': (2, 2), }"), .. new byte[16]]);
        Assert.Equal(2, VectorFile.Read(duplicate).Count);
    }

    // 4. embed never opens a FIFO or a device.
    [Fact]
    public void Class4_EmbedSkipsFifosAndDevices()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("FIFOs and /dev/zero are Linux-specific here");
        string docs = _temp.File("docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "a.txt"), "alpha beta gamma");
        File.WriteAllText(Path.Combine(docs, "b.txt"), "beta gamma delta");
        Process.Start("mkfifo", [Path.Combine(docs, "pipe.txt")])!.WaitForExit();
        File.CreateSymbolicLink(Path.Combine(docs, "zero.txt"), "/dev/zero");
        var (code, _, err, peak) = Child(["embed", docs, "-o", _temp.File("e.npy"), "--max-df", "1"], timeoutMs: 60_000);
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.Contains("pipe.txt: not a regular file", err, StringComparison.Ordinal);
        Assert.Contains("zero.txt: not a regular file", err, StringComparison.Ordinal);
        Assert.True(peak < 1L << 30, $"peak RSS {peak / (1 << 20)} MiB");
    }

    // 5. Inputs that ended in internal errors (exit 70) are one-line input errors (exit 2).
    [Fact]
    public void Class5_FormerInternalErrors_AreInputErrors()
    {
        string empty = _temp.File("e.npy");
        File.WriteAllBytes(empty, NpyHeaderOnly("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 0), }"));
        AssertInputError(CliHarness.Run("solve", empty, "-p", "ov"), "no columns");

        string fvecs = _temp.File("big.fvecs");
        var record = new byte[4 + 64];
        BinaryPrimitives.WriteInt32LittleEndian(record, (1 << 29) + 1);
        File.WriteAllBytes(fvecs, record);
        AssertInputError(CliHarness.Run("solve", fvecs, "-p", "ov"), "record 0");

        if (OperatingSystem.IsLinux())
        {
            foreach (var name in new[] { "p.npy", "p.fvecs", "p.csv", "p.cnf" })
            {
                Process.Start("mkfifo", [_temp.File(name)])!.WaitForExit();
            }

            AssertInputError(CliHarness.Run("solve", _temp.File("p.npy"), "-p", "ov"), "FIFO");
            AssertInputError(CliHarness.Run("solve", _temp.File("p.fvecs"), "-p", "ov"), "FIFO");
            AssertInputError(CliHarness.Run("solve", _temp.File("p.csv"), "-p", "ov"), "FIFO");
            AssertInputError(CliHarness.Run("sat", _temp.File("p.cnf")), "FIFO");
        }

        string duel = _temp.File("duel");
        Directory.CreateDirectory(duel);
        File.WriteAllText(Path.Combine(duel, "results.json"), "[1,2]");
        var result = CliHarness.Run("duel", "--output", duel, "--sizes", "8");
        Assert.NotEqual(70, result.Code);
        Assert.Equal(2, result.Code);
    }

    // 6. One overwrite rule for every -o.
    [Fact]
    public void Class6_ExistingOutputs_AreRefusedWithoutForce()
    {
        string input = _temp.File("x.npy");
        CliHarness.Ok("generate", "random", "--n", "20", "--dim", "8", "--seed", "1", "-o", input);
        AssertInputError(CliHarness.Run("generate", "random", "--n", "20", "--dim", "8", "--seed", "2", "-o", input), "pass --force");
        CliHarness.Ok("generate", "random", "--n", "20", "--dim", "8", "--seed", "2", "-o", input, "--force");
        string pairs = _temp.File("p.csv");
        File.WriteAllText(pairs, "keep");
        AssertInputError(CliHarness.Run("solve", input, "-p", "ov", "--all", "-o", pairs), "pass --force");
        Assert.Equal("keep", File.ReadAllText(pairs));
        string model = _temp.File("m.onnx");
        File.WriteAllText(model, "keep");
        AssertInputError(CliHarness.Run("transformer", input, "--export", model), "pass --force");
        Assert.Equal("keep", File.ReadAllText(model));

        // A stale temp of a dead process (pid 2^22 + 1 is above Linux's default pid_max) is removed by the next write.
        string stale = Path.Combine(_temp.Path, ".x.npy.subquad-4194305.tmp");
        File.WriteAllText(stale, "left by a killed run");
        CliHarness.Ok("generate", "random", "--n", "20", "--dim", "8", "--seed", "3", "-o", input, "--force");
        Assert.False(File.Exists(stale));
    }

    // 7. --top K costs O(pairs log K) (a bounded heap; the sorted-list insert cost K x pairs: 10^6 on n = 3,000 ran
    // over 2 minutes): K above the pair count lists every pair, best first. K = 10^6 on n = 1,400 (979,300 pairs) with
    // SUBQUAD_LONG_TESTS, K = 2 x 10^5 on n = 600 (179,700 pairs) by default. No clock here (benchmarks time things);
    // a quadratic cost shows as a test that does not finish.
    [Fact]
    public void Class7_HugeTopK_ListsEveryPair()
    {
        int n = Long ? 1400 : 600;
        string k = Long ? "1000000" : "200000";
        string input = _temp.File("t.npy");
        CliHarness.Ok("generate", "random", "--n", n.ToString(CultureInfo.InvariantCulture), "--dim", "32", "--seed", "1", "-o", input);
        var result = CliHarness.Ok("solve", input, "-p", "msd", "--top", k, "--format", "csv");
        Assert.Equal(1 + (n * (n - 1) / 2), result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    // 8. CSV headers and control characters.
    [Fact]
    public void Class8_CsvBadFirstRow_IsAnError_AndControlCharactersAreEscaped()
    {
        string csv = _temp.File("h.csv");
        File.WriteAllText(csv, "1,x,1\n1,2,3\n4,5,6\n");
        AssertInputError(CliHarness.Run("solve", csv, "-p", "msd"), "line 1, field 2");

        string header = _temp.File("ok.csv");
        File.WriteAllText(header, "a,b,c\n1,2,3\n4,5,6\n");
        Assert.Contains("2 dense rows", CliHarness.Ok("solve", header, "-p", "msd").Out, StringComparison.Ordinal);

        // --header / --no-header say it instead of the guess: the bad-looking first row is skipped as a header, and a
        // header file read with --no-header is an error naming line 1; both together are a usage error.
        Assert.Contains("2 dense rows", CliHarness.Ok("solve", csv, "-p", "msd", "--header").Out, StringComparison.Ordinal);
        AssertInputError(CliHarness.Run("solve", header, "-p", "msd", "--no-header"), "line 1, field 1");
        Assert.Equal(ExitCodes.Usage, CliHarness.Run("solve", header, "-p", "msd", "--header", "--no-header").Code);
        string three = _temp.File("three.csv");
        File.WriteAllText(three, "1,2\n3,4\n5,6\n");
        Assert.Contains("3 dense rows", CliHarness.Ok("solve", three, "-p", "msd", "--no-header").Out, StringComparison.Ordinal);

        string evil = _temp.File("e\u001b]0;owned\u0007.csv");
        File.WriteAllText(evil, "1,2\n\u001b[31mred,3\n");
        var result = CliHarness.Run("solve", evil, "-p", "msd");
        Assert.Equal(2, result.Code);
        Assert.DoesNotContain('\u001b', result.Err);
        Assert.DoesNotContain('\u0007', result.Err);
        Assert.Contains("\\e[31mred", result.ErrorLine, StringComparison.Ordinal);
    }

    // 9. hard-ov's density at n = 65,536 and 10^6 (the int product overflowed above 46,340).
    [Fact]
    public void Class9_HardOvDensity_DoesNotOverflow()
    {
        foreach (int n in new[] { 65_536, 1_000_000 })
        {
            double p = HardOrthogonalVectors.Density(n, 40, 0.05);
            double pairs = (double)n * (n - 1) / 2;
            Assert.Equal(0.05, pairs * Math.Pow(1 - (p * p), 40), 6);
            Assert.NotEqual(0.5, p);
        }

        var result = CliHarness.Ok("generate", "hard-ov", "--n", "65536", "--dim", "40", "--seed", "1", "-o", _temp.File("h.npy"));
        Assert.Contains("expected orthogonal pairs 0.05", result.Out, StringComparison.Ordinal);
    }
}
