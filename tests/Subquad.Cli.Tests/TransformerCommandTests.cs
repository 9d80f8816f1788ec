using Subquad.Cli.Commands;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;
using Subquad.Models.Constructions;
using Subquad.Models.Precision;

namespace Subquad.Cli.Tests;

/// <summary>The transformer verb, in-process, on instances built in code and on small text files.</summary>
public sealed class TransformerCommandTests
{
    private static (CliIO Io, StringWriter Out, StringWriter Err) Capture()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (new CliIO(output, error, interactive: false), output, error);
    }

    private static TransformerCommand.Request Request(Problem problem, bool onnx = false, bool search = false, FloatFormat precision = FloatFormat.Float64, ConstructionVariant variant = ConstructionVariant.Corrected) =>
        new(problem, ConstructionScale.Robust, variant, onnx, precision, null, search, Check: true, OutputFormat.Json);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decision_OnGeneratedInstances_AgreesWithOracle(bool onnx)
    {
        for (int seed = 0; seed < 10; seed++)
        {
            var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(12, 10, 0.4, seed));
            var (io, output, _) = Capture();
            TransformerCommand.Run(io, instance, Request(Problem.WithThreshold(ProblemKind.Lsd, new Rational(1, 4)), onnx));
            Assert.Contains("\"agrees\":true", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("\"d_in\":", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, FloatFormat.Float64)]
    [InlineData(true, FloatFormat.Float64)]
    public void Search_PrintsTheOraclesPair(bool onnx, FloatFormat precision)
    {
        var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(15, 12, 0.4, 3));
        var (io, output, _) = Capture();
        TransformerCommand.Run(io, instance, Request(Problem.Exact(ProblemKind.Msd), onnx, search: true, precision));
        Assert.Contains("\"agrees\":true", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(onnx ? "\"runtime\":\"onnx\"" : "\"runtime\":\"own\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_OnnxFloat32_IsRefused_TheTieBreaksLambdaNeedsMoreBits()
    {
        // The search's tie-break needs lambda >= n ln(8 n^2) / eta (8e4 here, scores 2e5): the error budget of float32
        // does not cover it, so it is refused before the first pass instead of answered.
        var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(15, 12, 0.4, 3));
        var ex = Assert.Throws<PrecisionRefusedException>(() => TransformerCommand.Run(Capture().Io, instance, Request(Problem.Exact(ProblemKind.Msd), onnx: true, search: true, FloatFormat.Float32)));
        Assert.True(ex.RequiredSignificandBits is > 24 and <= 53, ex.Message);
    }

    [Fact]
    public void Search_OnnxAtHalfPrecision_IsAUsageError() =>
        Assert.Throws<UsageException>(() => TransformerCommand.Run(Capture().Io, SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(6, 8, 0.4, 1)), Request(Problem.Exact(ProblemKind.Msd), onnx: true, search: true, FloatFormat.Float16)));

    [Fact]
    public void AsWritten_MaxIpCounterexample_IsReportedAsDisagreeing()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("110", "001"));
        var (io, output, _) = Capture();
        TransformerCommand.Run(io, instance, Request(Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(1)), variant: ConstructionVariant.AsWritten));
        Assert.Contains("\"agrees\":false", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EndToEnd_TextFile_ExportAndExitCodes()
    {
        string folder = Path.Combine(Path.GetTempPath(), "subquad-tf-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            string file = Path.Combine(folder, "v.bits");
            File.WriteAllLines(file, ["# two documents", "10", "01"]);
            string model = Path.Combine(folder, "m.onnx");
            var output = new StringWriter();
            var error = new StringWriter();
            int code = SubquadApp.Run(["transformer", file, "--problem", "msd", "--threshold", "0.5", "--check", "--export", model, "--format", "csv"], output, error);
            Assert.Equal(0, code);
            Assert.Equal("false", CsvField(output.ToString(), "answer"));
            Assert.True(new FileInfo(model).Length > 0);

            Assert.Equal(1, SubquadApp.Run(["transformer", file, "--problem", "msd"], new StringWriter(), error));
            Assert.Equal(2, SubquadApp.Run(["transformer", Path.Combine(folder, "missing.txt"), "--problem", "ov"], new StringWriter(), error));
            File.WriteAllLines(file, ["10", "0x"]);
            Assert.Equal(2, SubquadApp.Run(["transformer", file, "--problem", "ov"], new StringWriter(), error));

            // .txt means delimited numbers in every verb: 0/1 strings there are refused with a pointer to .bits.
            string text = Path.Combine(folder, "v.txt");
            File.WriteAllLines(text, ["10", "01"]);
            var refusal = new StringWriter();
            Assert.Equal(2, SubquadApp.Run(["transformer", text, "--problem", "ov"], new StringWriter(), refusal));
            Assert.Contains(".bits format", refusal.ToString(), StringComparison.Ordinal);
            File.WriteAllLines(text, ["1,0", "0,1"]);
            Assert.Equal(0, SubquadApp.Run(["transformer", text, "--problem", "ov", "--format", "json"], new StringWriter(), error));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>The value of one column in the verb's one-row CSV (header line, value line).</summary>
    internal static string CsvField(string csv, string column)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"no column {column} in {lines[0]}");
        return lines[1].Split(',')[index];
    }

    [Fact]
    public void AsWritten_OnBichromaticInput_IsAUsageError()
    {
        var instance = SimilarityInstance.Bichromatic(BinaryVectors.Parse("10"), BinaryVectors.Parse("01"));
        var (io, _, _) = Capture();
        var ex = Assert.Throws<UsageException>(() => TransformerCommand.Run(io, instance, Request(Problem.OrthogonalVectors, variant: ConstructionVariant.AsWritten)));
        Assert.Contains("bichromatic", ex.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- issue 13: the reported commands

    private static (int Code, string Out, string Err) RunCli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SubquadApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string TextFile(string folder, string name, params string[] rows)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllLines(path, rows);
        return path;
    }

    [Fact]
    public void Issue13_ReportedCommands_AnswerLikeTheOracle_OrRefuse()
    {
        string folder = Path.Combine(Path.GetTempPath(), "subquad-tf13-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            string a = TextFile(folder, "a.bits", "00111100"), b = TextFile(folder, "b.bits", "01000000");
            foreach (string t in new[] { "0.0000001", "0.00000001", "0.000000001" })
            {
                var r = RunCli("transformer", a, "--against", b, "--problem", "msd", "--threshold", t, "--runtime", "onnx", "--check", "--format", "json");
                Assert.True(r.Code == 0, r.Err);
                Assert.Contains("\"answer\":false", r.Out, StringComparison.Ordinal);
                Assert.Contains("\"agrees\":true", r.Out, StringComparison.Ordinal);
            }

            string c = TextFile(folder, "c.bits", "1100", "1010");
            foreach (var (problem, t) in new[] { ("msd", "0.5000000000000001"), ("lsd", "0.49999999999999999"), ("msd", "0.50000000000000001") })
            {
                var r = RunCli("transformer", c, "--problem", problem, "--threshold", t, "--check", "--format", "json");
                Assert.True(r.Code == 0, r.Err);
                Assert.Contains("\"agrees\":true", r.Out, StringComparison.Ordinal);
                Assert.DoesNotContain("Infinity", r.Out, StringComparison.Ordinal);
                Assert.DoesNotContain("NaN", r.Out, StringComparison.Ordinal);
                Assert.Contains("\"schema\":\"subquad.transformer/1\"", r.Out, StringComparison.Ordinal);
            }

            string f = TextFile(folder, "f.bits", "100", "110");
            foreach (string runtime in new[] { "own", "onnx" })
            {
                var r = RunCli("transformer", f, "--problem", "msd", "--threshold", "0.7071068", "--precision", "f32", "--runtime", runtime, "--check", "--format", "csv");
                Assert.True(r.Code == 0, r.Err);
                Assert.Equal("false", CsvField(r.Out, "answer"));
                Assert.Equal("true", CsvField(r.Out, "agrees"));
            }

            string ov = TextFile(folder, "ov.bits", [.. Enumerable.Repeat("100000", 12)]);
            foreach (var args in new[] { new[] { "--problem", "ov" }, ["--problem", "minip", "--threshold", "0"] })
            {
                var r = RunCli(["transformer", ov, .. args, "--scale", "paper", "--check"]);
                Assert.Equal(1, r.Code);
                Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("error: the paper scale", r.Err, StringComparison.Ordinal);
            }

            string z = TextFile(folder, "z.bits", "000", "000", "000");
            var asWritten = RunCli("transformer", z, "--problem", "minip", "--threshold", "1", "--variant", "as-written", "--check", "--format", "json");
            Assert.Contains("\"agrees\":false", asWritten.Out, StringComparison.Ordinal); // the paper's slip, documented
            var corrected = RunCli("transformer", z, "--problem", "minip", "--threshold", "1", "--check", "--format", "json");
            Assert.Contains("\"answer\":true", corrected.Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void PrecisionTooNarrow_IsRefusedWithExit3_BeforeRunning()
    {
        // Cosines of width 40 near 0.8: the spacing of achievable values there is ~1e-5, so lambda ~ 1e6 and the
        // scores ~ 1e7 need more than bf16's 8 bits (and f16's range).
        var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(8, 40, 0.5, 7, nonZero: true));
        var (io, output, _) = Capture();
        var request = Request(Problem.WithThreshold(ProblemKind.Lsd, new Rational(8, 10)), precision: FloatFormat.BFloat16);
        var ex = Assert.Throws<PrecisionRefusedException>(() => TransformerCommand.Run(io, instance, request));
        Assert.Contains("significand bits", ex.Message, StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
        var err = new StringWriter();
        Assert.Equal(3, SubquadApp.Report(ex, new CliIO(new StringWriter(), err, interactive: false), verbose: false));
        Assert.StartsWith("error: refused: bf16", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_FollowsTheSchema_TypedValues()
    {
        var instance = SimilarityInstance.Monochromatic(BinaryVectors.Parse("1100", "1010", "0011"));
        var (io, output, _) = Capture();
        TransformerCommand.Run(io, instance, Request(Problem.WithThreshold(ProblemKind.Msd, new Rational(1, 2))));
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal("subquad.transformer/1", root.GetProperty("schema").GetString());
        Assert.Equal(3, root.GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal(4, root.GetProperty("input").GetProperty("dim").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.True, root.GetProperty("answer").ValueKind);
        Assert.True(root.GetProperty("lambda").GetDouble() > 0);
        Assert.True(root.GetProperty("time_ms").GetDouble() >= 0);
        Assert.True(root.GetProperty("significand_bits_needed").GetInt32() <= 24);
        foreach (var property in root.EnumerateObject()) Assert.Matches("^[a-z0-9_]+$", property.Name);
    }
}
