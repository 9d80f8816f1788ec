using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Tests;

/// <summary>Issue 7: <c>embed --model tfidf|minilm</c> writes dense unit rows that <c>solve</c> then answers.</summary>
public class EmbedModelTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("tfidf")]
    [InlineData("minilm")]
    public void DenseModel_WritesUnitRows_AndSolveFindsTheNearDuplicates(string model)
    {
        string folder = _temp.File("corpus");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "The cat sat on the mat and looked at the rain outside the window.");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "The cat sat on the mat and looked at the rain outside a window.");
        File.WriteAllText(Path.Combine(folder, "c.txt"), "Interest rates rose sharply after the central bank meeting in March.");
        string output = _temp.File(model + ".npy");
        CliHarness.Ok("embed", folder, "-o", output, "--model", model);

        var vectors = Assert.IsType<DenseVectors>(VectorFile.Read(output));
        Assert.Equal(3, vectors.Count);
        for (int i = 0; i < 3; i++) Assert.Equal(1.0, vectors.Norm(i), 5);
        var result = CliHarness.Ok("solve", output, "--problem", "msd", "--format", "csv");
        Assert.Contains("a.txt", result.Out, StringComparison.Ordinal);
        Assert.Contains("b.txt", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("c.txt", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void DenseModel_WithKeywordOptions_IsAUsageError()
    {
        string folder = _temp.File("corpus2");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "words");
        var result = CliHarness.Run("embed", folder, "-o", _temp.File("x.npy"), "--model", "tfidf", "--keywords", "5");
        Assert.Equal(1, result.Code);
        Assert.Contains("--keywords", result.ErrorLine, StringComparison.Ordinal);
    }
}
