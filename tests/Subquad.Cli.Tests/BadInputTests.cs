using System.Buffers.Binary;
using System.Text;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Tests;

/// <summary>
/// Issue 2 item 7: every kind of bad input gets exit code 2 (1 for a usage mistake) and one stderr line naming the
/// file and the row or line, never a stack trace, never an answer, never a changed input file.
/// </summary>
public class BadInputTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text)
    {
        string path = _temp.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteNpy(string name, string descr, string shape, int dataBytes, bool fortran = false)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        string header = dict.PadRight(64 - 10 - 1 + (dict.Length > 53 ? 64 : 0)) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static string Fails(int code, params string[] args)
    {
        var result = CliHarness.Run(args);
        Assert.True(result.Code == code, $"expected exit {code}, got {result.Code}: {result.Err}");
        Assert.Equal("", result.Out);
        return result.ErrorLine;
    }

    [Fact]
    public void MissingFile()
    {
        string path = _temp.File("absent.npy");
        string line = Fails(2, "solve", path, "--problem", "msd");
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.Contains("not found", line, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableFile_AndADirectory()
    {
        Assert.Contains("directory", Fails(2, "solve", _temp.Path, "--problem", "msd"), StringComparison.Ordinal);
        string path = Write("locked.csv", "1,0\n0,1\n");
        if (OperatingSystem.IsWindows()) Assert.Skip("Unix file modes are needed to make a file unreadable");
        else File.SetUnixFileMode(path, UnixFileMode.None);
        try
        {
            using var probe = File.OpenRead(path);
            Assert.Skip("this user can read a mode-000 file (root); the permission case cannot be produced here");
        }
        catch (UnauthorizedAccessException)
        {
        }

        string line = Fails(2, "solve", path, "--problem", "msd");
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.Contains("permission", line, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDtype()
    {
        string path = WriteNpy("c.npy", "<c16", "(2, 2)", 64);
        string line = Fails(2, "solve", path, "--problem", "msd");
        Assert.Contains("c.npy", line, StringComparison.Ordinal);
        Assert.Contains("<c16", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreeDimensionalArray()
    {
        string line = Fails(2, "solve", WriteNpy("cube.npy", "<f4", "(2, 2, 2)", 32), "--problem", "msd");
        Assert.Contains("cube.npy", line, StringComparison.Ordinal);
        Assert.Contains("3-D", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedNpy()
    {
        string line = Fails(2, "solve", WriteNpy("short.npy", "<f4", "(100, 8)", 3000), "--problem", "msd");
        Assert.Contains("short.npy", line, StringComparison.Ordinal);
        Assert.Contains("3200", line, StringComparison.Ordinal);
        Assert.Contains("3000", line, StringComparison.Ordinal);
    }

    [Fact]
    public void FortranOrder()
    {
        Assert.Contains("Fortran", Fails(2, "solve", WriteNpy("f.npy", "<f4", "(2, 2)", 16, fortran: true), "--problem", "msd"), StringComparison.Ordinal);
    }

    [Fact]
    public void RaggedCsvRows()
    {
        string line = Fails(2, "solve", Write("r.csv", "1,0,1\n0,1,1\n1,1\n"), "--problem", "msd");
        Assert.Contains("r.csv: line 3", line, StringComparison.Ordinal);
    }

    [Fact]
    public void NonBinaryValueWhereBinaryIsRequired()
    {
        string line = Fails(2, "solve", Write("two.csv", "1,0,1\n0,2,1\n"), "--problem", "msd", "--binary");
        Assert.Contains("two.csv: line 2, field 2", line, StringComparison.Ordinal);
        Assert.Contains("not 0 or 1", line, StringComparison.Ordinal);
        string npy = _temp.File("ints.npy");
        VectorFile.Write(npy, DenseVectors.FromRows([[0, 1], [3, 1]]));
        Assert.Contains("row 1, column 0", Fails(2, "solve", npy, "--problem", "ov", "--binary"), StringComparison.Ordinal);
        // OV needs binary input: a dense file is refused, not answered.
        Assert.Contains("Orthogonal Vectors", Fails(2, "solve", npy, "--problem", "ov"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5,1\n1,NaN\n", "line 2, field 2")]
    [InlineData("0.5,inf\n1,2\n", "line 1, field 2")]
    [InlineData("a,b\n0.5,1\n-Infinity,2\n", "line 3, field 1")]
    public void NaNOrInfinity(string text, string where)
    {
        string line = Fails(2, "solve", Write("nan.csv", text), "--problem", "maxip");
        Assert.Contains("nan.csv: " + where, line, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroVectorInACosineProblem_NamesTheRow()
    {
        string path = Write("z.csv", "1,0\n0,0\n1,1\n");
        string line = Fails(2, "solve", path, "--problem", "msd");
        Assert.Contains("z.csv: row 1", line, StringComparison.Ordinal);
        Assert.Contains("zero vector", line, StringComparison.Ordinal);
        new RowNamesSidecar { Rows = ["x.txt", "empty.txt", "y.txt"] }.WriteFor(path);
        Assert.Contains("row 1 (empty.txt)", Fails(2, "solve", path, "--problem", "lsd"), StringComparison.Ordinal);
        CliHarness.Ok("solve", path, "--problem", "minip"); // inner products are defined for zero rows
    }

    [Fact]
    public void FewerThanTwoRows()
    {
        string line = Fails(2, "solve", Write("one.csv", "1,0,1\n"), "--problem", "maxip");
        Assert.Contains("one.csv", line, StringComparison.Ordinal);
        Assert.Contains("at least 2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void DimensionMismatchBetweenInputs()
    {
        string line = Fails(2, "solve", Write("a.csv", "1,0,1\n0,1,1\n"), "--against", Write("b.csv", "1,0\n0,1\n"), "--problem", "maxip");
        Assert.Contains("b.csv", line, StringComparison.Ordinal);
        Assert.Contains("dimension 2", line, StringComparison.Ordinal);
        Assert.Contains("dense", Fails(2, "solve", Write("c.csv", "1,0\n0,1\n"), "--against", Write("d.csv", "0.5,1\n0,1\n"), "--problem", "maxip"), StringComparison.Ordinal);
    }

    [Fact]
    public void ThresholdOutOfRange()
    {
        string file = Write("t.csv", "1,0,1\n0,1,1\n");
        Assert.Contains("[0, 1]", Fails(1, "solve", file, "--problem", "msd", "--threshold", "1.5"), StringComparison.Ordinal);
        Assert.Contains("--threshold -0.5", Fails(1, "solve", file, "--problem", "lsd", "--threshold", "-0.5"), StringComparison.Ordinal);
        Assert.Contains("integer", Fails(1, "solve", file, "--problem", "maxip", "--threshold", "1.5"), StringComparison.Ordinal);
        Assert.Contains("above l = 3", Fails(2, "solve", file, "--problem", "maxip", "--threshold", "4"), StringComparison.Ordinal);
        Assert.Contains("expected a non-negative", Fails(1, "solve", file, "--problem", "msd", "--threshold", "abc"), StringComparison.Ordinal);
    }

    [Fact]
    public void GammaBelowOne()
    {
        string file = Write("g.csv", "1,0,1\n0,1,1\n");
        Assert.Contains("at least 1", Fails(1, "solve", file, "--problem", "msd", "--gamma", "0.9"), StringComparison.Ordinal);
        Assert.Contains("--gamma", Fails(1, "solve", file, "--problem", "ov", "--gamma", "2"), StringComparison.Ordinal);
    }

    [Fact]
    public void TextFolderWithNoDocumentsOrNoKeywords()
    {
        string folder = _temp.File("texts");
        Directory.CreateDirectory(folder);
        string line = Fails(2, "embed", folder, "-o", _temp.File("docs.npy"));
        Assert.Contains("no text documents", line, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "the same words");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "the same words");
        line = Fails(2, "embed", folder, "-o", _temp.File("docs.npy"));
        Assert.Contains("no keywords", line, StringComparison.Ordinal);
        Assert.Contains("not found", Fails(2, "embed", _temp.File("nowhere"), "-o", _temp.File("docs.npy")), StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("docs.npy")));
    }

    [Fact]
    public void InputsAreNeverOverwritten()
    {
        string input = Write("keep.csv", "1,0,1\n0,1,1\n1,1,1\n");
        string before = File.ReadAllText(input);
        Assert.Contains("refusing", Fails(1, "solve", input, "--problem", "ov", "--all", "-o", input), StringComparison.Ordinal);
        string folder = _temp.File("docs");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "apple tree");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "apple computer");
        File.WriteAllText(Path.Combine(folder, "out.csv"), "precious");
        Assert.Contains("refusing", Fails(1, "embed", folder, "-o", Path.Combine(folder, "out.csv"), "--max-df", "1"), StringComparison.Ordinal);
        File.WriteAllText(_temp.File("kw.names.json"), "keywords");
        Assert.Contains("refusing", Fails(1, "embed", folder, "-o", _temp.File("kw.npy"), "--keyword-file", _temp.File("kw.names.json")), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(input));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(folder, "out.csv")));
    }

    [Fact]
    public void UsageMistakes()
    {
        string file = Write("u.csv", "1,0,1\n0,1,1\n");
        Assert.Equal(1, CliHarness.Run("solve", file).Code); // --problem is required
        Fails(1, "solve", file, "--problem", "nearest");
        Fails(1, "solve", file, "--problem", "msd", "--threshold", "0.5", "--gamma", "2");
        Fails(1, "solve", file, "--problem", "msd", "--all");
        Fails(1, "solve", file, "--problem", "msd", "--dense", "--binary");
        Fails(1, "solve", file, "--problem", "msd", "--top", "0");
        Fails(1, "solve", file, "--problem", "ov", "--all", "-o", _temp.File("x.parquet"));
        Fails(2, "solve", Write("u.parquet", "1"), "--problem", "msd");
        Fails(1, "generate", "random", "--n", "5", "--dim", "4", "--density", "2", "-o", _temp.File("g.npy"));
        Fails(1, "generate", "planted", "--n", "2", "--dim", "4", "-o", _temp.File("g.npy"));
        Fails(1, "embed", _temp.Path, "-o", _temp.File("e.npy"), "--max-df", "0");
    }
}
