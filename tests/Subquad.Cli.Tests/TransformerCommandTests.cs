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
            Assert.Contains("\"agrees\":\"yes\"", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("\"d_in\":", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, FloatFormat.Float64)]
    [InlineData(true, FloatFormat.Float64)]
    [InlineData(true, FloatFormat.Float32)]
    public void Search_PrintsTheOraclesPair(bool onnx, FloatFormat precision)
    {
        var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(15, 12, 0.4, 3));
        var (io, output, _) = Capture();
        TransformerCommand.Run(io, instance, Request(Problem.Exact(ProblemKind.Msd), onnx, search: true, precision));
        Assert.Contains("\"agrees\":\"yes\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(onnx ? "onnx runtime" : "own engine", output.ToString(), StringComparison.Ordinal);
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
        Assert.Contains("\"agrees\":\"NO\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EndToEnd_TextFile_ExportAndExitCodes()
    {
        string folder = Path.Combine(Path.GetTempPath(), "subquad-tf-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        try
        {
            string file = Path.Combine(folder, "v.txt");
            File.WriteAllLines(file, ["# two documents", "10", "01"]);
            string model = Path.Combine(folder, "m.onnx");
            var output = new StringWriter();
            var error = new StringWriter();
            int code = SubquadApp.Run(["transformer", file, "--problem", "msd", "--threshold", "0.5", "--check", "--export", model, "--format", "csv"], output, error);
            Assert.Equal(0, code);
            Assert.Contains("answer,no", output.ToString(), StringComparison.Ordinal);
            Assert.True(new FileInfo(model).Length > 0);

            Assert.Equal(1, SubquadApp.Run(["transformer", file, "--problem", "msd"], new StringWriter(), error));
            Assert.Equal(2, SubquadApp.Run(["transformer", Path.Combine(folder, "missing.txt"), "--problem", "ov"], new StringWriter(), error));
            File.WriteAllLines(file, ["10", "0x"]);
            Assert.Equal(2, SubquadApp.Run(["transformer", file, "--problem", "ov"], new StringWriter(), error));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void AsWritten_OnBichromaticInput_IsAUsageError()
    {
        var instance = SimilarityInstance.Bichromatic(BinaryVectors.Parse("10"), BinaryVectors.Parse("01"));
        var (io, _, _) = Capture();
        var ex = Assert.Throws<UsageException>(() => TransformerCommand.Run(io, instance, Request(Problem.OrthogonalVectors, variant: ConstructionVariant.AsWritten)));
        Assert.Contains("bichromatic", ex.Message, StringComparison.Ordinal);
    }
}
