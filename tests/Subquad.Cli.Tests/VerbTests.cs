using System.CommandLine;
using System.Text.Json;
using Subquad.Cli.Commands;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Tests;

/// <summary>embed, generate, info and the cancellation path, end to end.</summary>
public class VerbTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Corpus()
    {
        string folder = _temp.File("corpus");
        Directory.CreateDirectory(Path.Combine(folder, "fruit"));
        File.WriteAllText(Path.Combine(folder, "fruit", "apples.txt"), "There are ten apples on the apple tree.");
        File.WriteAllText(Path.Combine(folder, "fruit", "pears.txt"), "Pears grow on a pear tree; ten pears.");
        File.WriteAllText(Path.Combine(folder, "tech.txt"), "A computer and a keyboard.");
        File.WriteAllText(Path.Combine(folder, "mixed.txt"), "The computer shows an apple tree.");
        File.WriteAllBytes(Path.Combine(folder, "image.png"), [0x89, 0x50, 0x4E, 0x47, 0, 0]);
        return folder;
    }

    [Fact]
    public void Embed_WithKeywordFile_WritesVectorsAndSidecar_AndSolveNamesDocuments()
    {
        string folder = Corpus();
        File.WriteAllText(_temp.File("kw.txt"), "# the paper's keywords\napple\ntree\ncomputer\nten\n");
        string output = _temp.File("docs.npy");
        var result = CliHarness.Ok("embed", folder, "-o", output, "--keyword-file", _temp.File("kw.txt"));
        Assert.Contains("embedded 4 documents over 4 keywords", result.Out, StringComparison.Ordinal);
        Assert.Contains("image.png: binary", result.Err, StringComparison.Ordinal);
        var vectors = Assert.IsType<BinaryVectors>(VectorFile.Read(output));
        Assert.Equal(["fruit/apples.txt", "fruit/pears.txt", "mixed.txt", "tech.txt"], vectors.RowNames!);
        // The paper's example document is row 0: (apple, tree, computer, ten) = (1, 1, 0, 1).
        Assert.Equal([true, true, false, true], Enumerable.Range(0, 4).Select(k => vectors[0, k]).ToArray());
        var sidecar = JsonDocument.Parse(File.ReadAllText(_temp.File("docs.names.json"))).RootElement;
        Assert.Equal(["apple", "tree", "computer", "ten"], sidecar.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()!));

        var msd = CliHarness.Ok("solve", output, "--problem", "msd", "--format", "json");
        var pair = JsonDocument.Parse(msd.Out).RootElement.GetProperty("pairs")[0];
        // apples (1,1,0,1) and pears (0,1,0,1): cos 2/sqrt(6) = .816, the best; mixed (1,1,1,0) vs apples: 2/3.
        Assert.Equal("fruit/apples.txt", pair.GetProperty("name_i").GetString());
        Assert.Equal("fruit/pears.txt", pair.GetProperty("name_j").GetString());
        var table = CliHarness.Ok("solve", output, "--problem", "lsd");
        Assert.Contains("tech.txt", table.Out, StringComparison.Ordinal);
        var info = CliHarness.Ok("info", output);
        Assert.Contains("(4, 4)", info.Out, StringComparison.Ordinal);
        Assert.Contains("apple, tree, computer, ten", info.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_SelectsKeywordsByDocumentFrequency_AndWarnsAboutZeroRows()
    {
        string folder = Corpus();
        var result = CliHarness.Ok("embed", folder, "-o", _temp.File("auto.csv"), "--keywords", "3", "--max-df", "0.5");
        // df over 4 documents: tree 3 (> 0.5, skipped), ten 2, computer 2, apple 2, a 2, on 2, ...: top 3 by df, ties ordinal.
        Assert.Contains("keywords: a, apple, computer", result.Out, StringComparison.Ordinal);
        var rows = File.ReadAllLines(_temp.File("auto.csv"));
        Assert.Equal(4, rows.Length);
        File.WriteAllText(Path.Combine(folder, "blank.txt"), "   ");
        var warned = CliHarness.Ok("embed", folder, "-o", _temp.File("auto2.npy"), "--keywords", "3");
        Assert.Contains("warning: blank.txt (row 0) contains none of the keywords", warned.Err, StringComparison.Ordinal);
        Assert.Equal(2, CliHarness.Run("solve", _temp.File("auto2.npy"), "--problem", "msd").Code);
    }

    [Fact]
    public void Generate_IsReproducible_AndPrintsPlantedRows()
    {
        CliHarness.Ok("generate", "random", "--n", "30", "--dim", "100", "--density", "0.3", "--seed", "4", "-o", _temp.File("a.npy"));
        CliHarness.Ok("generate", "random", "--n", "30", "--dim", "100", "--density", "0.3", "--seed", "4", "-o", _temp.File("b.npy"));
        Assert.Equal(File.ReadAllBytes(_temp.File("a.npy")), File.ReadAllBytes(_temp.File("b.npy")));
        var planted = CliHarness.Ok("generate", "planted", "--n", "40", "--dim", "64", "--seed", "8", "-o", _temp.File("p.fvecs"));
        Assert.Contains("planted similar pair (", planted.Out, StringComparison.Ordinal);
        Assert.Equal(40, VectorFile.Read(_temp.File("p.fvecs"), VectorKind.Binary).Count);
        var dense = CliHarness.Ok("generate", "planted", "--n", "40", "--dim", "16", "--dense", "--seed", "8", "-o", _temp.File("d.csv"));
        Assert.Contains("opposite", dense.Out, StringComparison.Ordinal);
        Assert.False(VectorFile.Read(_temp.File("d.csv")).IsBinary);
    }

    [Fact]
    public void Generate_TakesExtraSubcommands()
    {
        var io = new CliIO(TextWriter.Null, TextWriter.Null, false);
        var extra = new Command("ksat", "test generator");
        var command = GenerateCommand.Create(io, [extra]);
        Assert.Equal(["random", "planted", "ksat"], command.Subcommands.Select(c => c.Name));
    }

    [Fact]
    public void Info_DescribesAFile_AndTheMachine()
    {
        string path = _temp.File("i.csv");
        File.WriteAllText(path, "1,0,1\n0,0,0\n1,0,1\n0,1,1\n1,0,1\n");
        var json = JsonDocument.Parse(CliHarness.Ok("info", path, "--format", "json").Out).RootElement;
        Assert.Equal("subquad.info/1", json.GetProperty("schema").GetString());
        Assert.Equal(5, json.GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal(3, json.GetProperty("input").GetProperty("dim").GetInt32());
        Assert.Equal("binary", json.GetProperty("input").GetProperty("kind").GetString());
        Assert.Equal("text", json.GetProperty("input").GetProperty("dtype").GetString());
        Assert.Equal(1, json.GetProperty("zero_rows").GetInt32());
        Assert.Equal(2, json.GetProperty("duplicate_rows").GetInt32());
        Assert.Equal(8 / 15.0, json.GetProperty("density").GetDouble(), 12);
        var dense = JsonDocument.Parse(CliHarness.Ok("info", path, "--dense", "--format", "json").Out).RootElement;
        Assert.Equal(Math.Sqrt(2), dense.GetProperty("row_size_max").GetDouble(), 6);
        VectorFile.Write(_temp.File("i.npy"), VectorFile.Read(path, VectorKind.Dense));
        Assert.Contains("<f4", CliHarness.Ok("info", _temp.File("i.npy")).Out, StringComparison.Ordinal);
        Assert.Contains("AVX2", CliHarness.Ok("info").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_Exits130_AndKeepsAValidPartialFile_BesideACompleteOne()
    {
        CliHarness.Ok("generate", "random", "--n", "50", "--dim", "32", "--seed", "2", "-o", _temp.File("c.npy"));
        foreach (var output in new[] { "pairs.npy", "pairs.csv" })
        {
            // A complete earlier result sits at the target; the cancelled run must not replace it (issue 17).
            File.WriteAllText(_temp.File(output), "complete earlier result");
            var request = SolveCommand.Parse(_temp.File("c.npy"), null, "ov", null, null, OutputFormat.Table, false, false, true, null, _temp.File(output), null, null, true, false);
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();
            var err = new StringWriter();
            int code = SolveCommand.Run(new CliIO(new StringWriter(), err, false), request, cancel.Token);
            Assert.Equal(130, code);
            string partial = _temp.File(Path.GetFileNameWithoutExtension(output) + ".partial" + Path.GetExtension(output));
            Assert.Contains("cancelled", err.ToString(), StringComparison.Ordinal);
            Assert.Contains(partial, err.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(partial));
            Assert.Equal("complete earlier result", File.ReadAllText(_temp.File(output)));
        }

        Assert.Contains("(0, 2)", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(_temp.File("pairs.partial.npy"))), StringComparison.Ordinal);
        Assert.Equal("i,j,name_i,name_j,score,inner_product,weight_i,weight_j", File.ReadAllLines(_temp.File("pairs.partial.csv")).Single());
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, "*.tmp"));
    }
}

/// <summary>The interactive path (progress bar on stderr) runs and still prints the answer.</summary>
public class InteractiveSolveTests
{
    [Fact]
    public void Solve_WithProgressBar_PrintsTheSameAnswer()
    {
        using var temp = new CliHarness.TempFolder();
        CliHarness.Ok("generate", "random", "--n", "60", "--dim", "40", "--seed", "3", "-o", temp.File("x.npy"));
        var plain = CliHarness.Ok("solve", temp.File("x.npy"), "--problem", "msd", "--format", "csv");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SubquadApp.Run(["solve", temp.File("x.npy"), "--problem", "msd", "--format", "csv"], output, error, interactive: true);
        Assert.Equal(0, code);
        Assert.Equal(plain.Out, output.ToString());
    }
}
