using System.Text;
using Subquad.Core.IO;
using Subquad.Core.Vectors;
using Subquad.Hardness.Cnf;
using Subquad.Lab.Duel;

namespace Subquad.Cli.Tests.Fuzz;

/// <summary>
/// The fuzz targets of issue 17, one per reader: .npy, .fvecs, .bvecs, CSV, DIMACS CNF and the duel experiment JSON.
/// Each runs <see cref="ReaderFuzzer.BudgetSeconds"/> (10 s by default, SUBQUAD_FUZZ_SECONDS to change, 120 s with
/// SUBQUAD_LONG_TESTS) from seeds written by Subquad's own writers and hand-made edge files, and fails on any
/// exception other than InputException, an allocation over the bound, or a hang.
/// </summary>
public class ReaderFuzzTests
{
    // Each of the six targets runs the budget (10 s by default): about a minute in all.
    private static readonly double Seconds = ReaderFuzzer.BudgetSeconds();

    private static byte[] Npy(VectorSet vectors, int version = 1)
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, vectors, version);
        return stream.ToArray();
    }

    private static byte[] Texmex(VectorSet vectors, TexmexFormat format)
    {
        using var temp = new CliHarness.TempFolder();
        string path = temp.File("x." + format.ToString().ToLowerInvariant());
        TexmexWriter.Write(path, vectors, format);
        return File.ReadAllBytes(path);
    }

    private static readonly BinaryVectors SmallBinary = BinaryVectors.Parse("0110", "1001", "1111");
    private static readonly DenseVectors SmallDense = DenseVectors.FromRows([[1f, -2f, 0.5f], [0f, 3f, 1e-3f]]);

    private static (long Runs, long Errors) Fuzz(string name, IReadOnlyList<byte[]> seeds, Action<byte[]> read, bool text, int seed)
    {
        var fuzzer = new ReaderFuzzer(name, seeds, read, text);
        var (runs, errors) = fuzzer.Run(seed, Seconds);
        Assert.True(runs > 50, $"{name}: only {runs} inputs ran");
        return (runs, errors);
    }

    [Fact]
    public void NpyReader_Fuzz()
    {
        var seeds = new List<byte[]> { Npy(SmallBinary), Npy(SmallDense), Npy(SmallDense, 2), Npy(BinaryVectors.Parse("0", "1")) };
        var (runs, errors) = Fuzz(".npy", seeds, bytes => Subquad.Core.IO.NpyReader.Read(new MemoryStream(bytes), "fuzz.npy"), text: false, seed: 1);
        Assert.True(errors > 0 && errors < runs, $"{errors} of {runs}: the mutants must reach both outcomes");
    }

    [Fact]
    public void FvecsReader_Fuzz()
    {
        var seeds = new List<byte[]> { Texmex(SmallDense, TexmexFormat.Fvecs), Texmex(SmallBinary, TexmexFormat.Fvecs) };
        Fuzz(".fvecs", seeds, bytes => TexmexReader.Read(new MemoryStream(bytes), "fuzz.fvecs", TexmexFormat.Fvecs), text: false, seed: 2);
    }

    [Fact]
    public void BvecsReader_Fuzz()
    {
        var seeds = new List<byte[]> { Texmex(SmallBinary, TexmexFormat.Bvecs), Texmex(BinaryVectors.Parse("1", "0", "1"), TexmexFormat.Bvecs) };
        Fuzz(".bvecs", seeds, bytes => TexmexReader.Read(new MemoryStream(bytes), "fuzz.bvecs", TexmexFormat.Bvecs), text: false, seed: 3);
    }

    [Fact]
    public void CsvReader_Fuzz()
    {
        var seeds = new[] { "a,b,c\n1,0,1\n0,1,1\n", "1.5;2;-3\n4;5;6\n", "\"x\"\t\"y\"\n1\t2\n", "1 0 1\n0 0 1\n\n1 1 1\n" }.Select(Encoding.UTF8.GetBytes).ToList();
        var (runs, errors) = Fuzz("CSV", seeds, bytes => CsvReader.Read(new MemoryStream(bytes), "fuzz.csv"), text: true, seed: 4);
        Assert.True(errors > 0 && errors < runs, $"{errors} of {runs}: the mutants must reach both outcomes");
    }

    [Fact]
    public void DimacsReader_Fuzz()
    {
        var seeds = new[] { "c test\np cnf 3 2\n1 -2 0\n2 3 0\n", "p cnf 2 1\n1 2 0\n%\n0\n", "p cnf 1 0\n" }.Select(Encoding.UTF8.GetBytes).ToList();
        Fuzz("DIMACS", seeds, bytes => DimacsReader.Read(new StringReader(Encoding.UTF8.GetString(bytes)), "fuzz.cnf"), text: true, seed: 5);
    }

    [Fact]
    public void DuelExperimentReader_Fuzz()
    {
        var seeds = new List<byte[]> { Encoding.UTF8.GetBytes(DuelExperiment.Default.ToJson()) };
        // The experiment only describes a run (sizes, families, mixers); reading it must stay small whatever it says.
        Fuzz("duel experiment", seeds, bytes => DuelExperiment.FromJson(Encoding.UTF8.GetString(bytes), "fuzz.json"), text: true, seed: 6);
    }
}
