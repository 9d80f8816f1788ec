using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Subquad.Core.IO;

namespace Subquad.Cli.Tests;

/// <summary>
/// <c>--mmap</c> on solve and search: the same answers and files as the in-memory path, and, in a child process, an
/// anonymous-memory growth far below the size of the file (file-backed pages can be evicted; anonymous ones are what
/// RAM must hold).
/// </summary>
public sealed class MmapCommandTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("random", "--dim", "70", "msd")]
    [InlineData("random", "--dim", "70", "ov")]
    [InlineData("planted", "--dim", "48", "lsd")]
    [InlineData("planted", "--dim", "21", "maxip")]
    public void Solve_and_search_with_mmap_answer_as_in_memory(string family, string dimOption, string dim, string problem)
    {
        string file = _temp.File($"{family}{dim}.npy"), queries = _temp.File($"q{family}{dim}.npy");
        var dense = family == "planted" ? new[] { "--dense" } : [];
        CliHarness.Ok(["generate", family, "--n", "300", dimOption, dim, "--seed", "4", .. dense, "-o", file]);
        CliHarness.Ok(["generate", family, "--n", "7", dimOption, dim, "--seed", "5", .. dense, "-o", queries]);
        foreach (var mode in new[] { new[] { "--top", "4" }, Array.Empty<string>() })
        {
            if (problem == "ov" && mode.Length > 0) continue;
            string memory = CliHarness.Ok(["solve", file, "-p", problem, "--no-mmap", "--format", "json", .. mode]).Out;
            string mapped = CliHarness.Ok(["solve", file, "-p", problem, "--mmap", "--format", "json", "--check", .. mode]).Out;
            var m = JsonDocument.Parse(mapped).RootElement;
            Assert.Equal("ok", m.GetProperty("check").GetString());
            Assert.Equal(JsonDocument.Parse(memory).RootElement.GetProperty("pairs").GetRawText(), m.GetProperty("pairs").GetRawText());
        }

        string searchMemory = CliHarness.Ok("search", queries, "--corpus", file, "-k", "5", "-p", problem, "--format", "json").Out;
        string searchMapped = CliHarness.Ok("search", queries, "--corpus", file, "-k", "5", "-p", problem, "--mmap", "--check", "--format", "json").Out;
        Assert.Equal("ok", JsonDocument.Parse(searchMapped).RootElement.GetProperty("check").GetString());
        Assert.Equal(JsonDocument.Parse(searchMemory).RootElement.GetProperty("results").GetRawText(), JsonDocument.Parse(searchMapped).RootElement.GetProperty("results").GetRawText());
    }

    [Fact]
    public void All_pairs_to_npy_with_mmap_writes_the_same_files()
    {
        string file = _temp.File("d.npy");
        CliHarness.Ok("generate", "planted", "--n", "200", "--dim", "32", "--dense", "--seed", "2", "-o", file);
        CliHarness.Ok("solve", file, "-p", "msd", "--threshold", "0.3", "--all", "-o", _temp.File("memory.npy"), "--no-mmap");
        CliHarness.Ok("solve", file, "-p", "msd", "--threshold", "0.3", "--all", "-o", _temp.File("mapped.npy"), "--mmap");
        Assert.Equal(File.ReadAllBytes(_temp.File("memory.npy")), File.ReadAllBytes(_temp.File("mapped.npy")));
        Assert.Equal(File.ReadAllBytes(_temp.File("memory.scores.npy")), File.ReadAllBytes(_temp.File("mapped.scores.npy")));
        Assert.True(new FileInfo(_temp.File("mapped.npy")).Length > 200);
    }

    [Fact]
    public void Mmap_and_no_mmap_together_is_a_usage_error()
    {
        string file = _temp.File("x.npy");
        CliHarness.Ok("generate", "random", "--n", "10", "--dim", "8", "--seed", "1", "-o", file);
        var result = CliHarness.Run("solve", file, "-p", "msd", "--mmap", "--no-mmap");
        Assert.Equal(1, result.Code);
        Assert.Contains("--mmap and --no-mmap", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_with_mmap_is_the_one_line_error()
    {
        string file = _temp.File("t.npy");
        CliHarness.Ok("generate", "planted", "--n", "50", "--dim", "16", "--dense", "--seed", "1", "-o", file);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^3]);
        var result = CliHarness.Run("solve", file, "-p", "msd", "--mmap");
        Assert.Equal(2, result.Code);
        Assert.Contains("is truncated", result.ErrorLine, StringComparison.Ordinal);
    }

    /// <summary>Writes a .npy header for (rows, columns) of descr, then the rows <paramref name="row"/> fills.</summary>
    private static void WriteNpy(string path, string descr, int rows, int columns, int itemSize, Action<int, Span<byte>> row)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        NpyArrayWriter.WriteHeader(stream, descr, rows, columns);
        var buffer = new byte[columns * itemSize];
        for (int i = 0; i < rows; i++)
        {
            row(i, buffer);
            stream.Write(buffer);
        }
    }

    /// <summary>
    /// Peak anonymous memory of <c>subquad ARGS</c> as a child process: the largest RssAnon seen in
    /// /proc/PID/status, sampled every 2 ms (a matrix of the file's size would stay resident for the whole run).
    /// </summary>
    private static (long PeakAnon, string Out) ChildPeakAnon(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "subquad.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!process.HasExited)
        {
            peak = Math.Max(peak, RssAnon(process.Id));
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"subquad {string.Join(' ', args)} did not finish in 3 minutes");
            }

            Thread.Sleep(2);
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"subquad {string.Join(' ', args)}: exit {process.ExitCode}: {stderr.Result}");
        return (peak, stdout.Result);
    }

    private static long RssAnon(int pid) => ProcStatus.Bytes(pid, "RssAnon");

    [Fact]
    public void Mapped_solve_and_search_grow_anonymous_memory_far_less_than_the_file()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("RssAnon is read from /proc (Linux)");

        // Binary: 12,288 rows of 16,384 0/1 bytes (192 MiB); packed they take 24 MiB. Rows 0 and 1 are orthogonal
        // (disjoint halves), the rest half ones, so OV's answer is (0, 1) and known.
        const int N = 12_288, L = 16_384;
        string bits = _temp.File("bits.npy"), smallBits = _temp.File("small-bits.npy");
        var random = new Random(11);
        Action<int, Span<byte>> bitRow = (i, row) =>
        {
            if (i < 2)
            {
                row.Clear();
                row.Slice(i * (L / 2), L / 2).Fill(1);
                return;
            }

            random.NextBytes(row);
            foreach (ref byte b in row) b &= 1;
        };
        WriteNpy(bits, "|u1", N, L, 1, bitRow);
        WriteNpy(smallBits, "|u1", 64, L, 1, bitRow);
        long bitsFile = new FileInfo(bits).Length;

        var (baseBits, _) = ChildPeakAnon("solve", smallBits, "-p", "ov", "--mmap", "--format", "json");
        var (peakBits, outBits) = ChildPeakAnon("solve", bits, "-p", "ov", "--mmap", "--format", "json");
        var pair = JsonDocument.Parse(outBits).RootElement.GetProperty("pairs")[0];
        Assert.Equal((0, 1), (pair.GetProperty("i").GetInt32(), pair.GetProperty("j").GetInt32()));
        long growthBits = peakBits - baseBits;
        Assert.True(growthBits < bitsFile / 3, $"binary: anonymous memory grew {growthBits >> 20} MiB (peak {peakBits >> 20} MiB, baseline {baseBits >> 20} MiB) for a {bitsFile >> 20} MiB file");

        // Dense: 8,192 rows of 4,096 float32 (128 MiB), searched in place; the same run without --mmap is the control
        // that shows the measurement sees a full copy when there is one.
        const int Rows = 8_192, D = 4_096;
        string floats = _temp.File("floats.npy"), queries = _temp.File("q.npy");
        Action<int, Span<byte>> floatRow = (i, row) =>
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(row);
            for (int k = 0; k < values.Length; k++) values[k] = (float)((random.NextDouble() * 2) - 1);
        };
        WriteNpy(floats, "<f4", Rows, D, 4, floatRow);
        WriteNpy(queries, "<f4", 4, D, 4, floatRow);
        long floatsFile = new FileInfo(floats).Length;
        var (baseDense, _) = ChildPeakAnon("search", queries, "--corpus", queries, "-k", "3", "-p", "maxip", "--mmap", "--format", "json");
        var (peakDense, outMapped) = ChildPeakAnon("search", queries, "--corpus", floats, "-k", "3", "-p", "maxip", "--mmap", "--format", "json");
        var (peakCopy, outCopy) = ChildPeakAnon("search", queries, "--corpus", floats, "-k", "3", "-p", "maxip", "--no-mmap", "--format", "json");
        Assert.Equal(JsonDocument.Parse(outCopy).RootElement.GetProperty("results").GetRawText(), JsonDocument.Parse(outMapped).RootElement.GetProperty("results").GetRawText());
        long growthDense = peakDense - baseDense, growthCopy = peakCopy - baseDense;
        Assert.True(growthDense < floatsFile / 4, $"dense: anonymous memory grew {growthDense >> 20} MiB (peak {peakDense >> 20} MiB) for a {floatsFile >> 20} MiB file");
        Assert.True(growthCopy > floatsFile * 9 / 10, $"control: the in-memory read grew only {growthCopy >> 20} MiB for a {floatsFile >> 20} MiB file");
        TestContext.Current.SendDiagnosticMessage($"RssAnon growth: binary {growthBits >> 20} MiB for {bitsFile >> 20} MiB, dense mapped {growthDense >> 20} MiB / copied {growthCopy >> 20} MiB for {floatsFile >> 20} MiB");
    }
}
