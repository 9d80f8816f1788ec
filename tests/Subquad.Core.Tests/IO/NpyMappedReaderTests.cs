using System.Diagnostics;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Search;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>
/// The memory-mapped .npy reader against the in-memory one and the brute-force oracle: the same vectors (values,
/// norms, weights), the same answers from the engine and from search, the same one-line errors.
/// </summary>
public sealed class NpyMappedReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("subquad-mmap-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string descr, int n, int d, double[] values)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, NpyReaderTests.Npy(NpyReaderTests.Dict(descr, $"({n}, {d})"), NpyReaderTests.Encode(descr, values)));
        return path;
    }

    /// <summary>Random values: 0/1 bits, small integers (full of ties) or floats.</summary>
    private static double[] Values(Random random, int count, string shape) => shape switch
    {
        "bits" => Enumerable.Range(0, count).Select(_ => (double)(random.Next(3) == 0 ? 1 : 0)).ToArray(),
        "ties" => Enumerable.Range(0, count).Select(_ => (double)random.Next(-2, 3)).ToArray(),
        _ => Enumerable.Range(0, count).Select(_ => Math.Round((random.NextDouble() * 2) - 1, 3)).ToArray(),
    };

    public static TheoryData<string, string, int, int> Cases()
    {
        var data = new TheoryData<string, string, int, int>();
        foreach (int n in new[] { 0, 1, 2, 3, 37 })
        {
            data.Add("|u1", "bits", n, 70);      // packed from the map, odd width
            data.Add("|b1", "bits", n, 512);
            data.Add("<i2", "bits", n, 9);       // wider integers of 0/1 are binary too
            data.Add("<f4", "floats", n, 32);    // in place: 32 floats = two 64-byte lines a row
            data.Add("<f4", "ties", n, 16);
            data.Add("<f4", "floats", n, 7);     // odd width: padded copy in a scratch file
            data.Add("<f8", "ties", n, 5);
            data.Add("|u1", "ties", n, 33);      // uint8 counts: dense, decided while packing
            data.Add(">f4", "floats", n, 16);    // big-endian: converted
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mapped_vectors_and_answers_equal_the_in_memory_path_and_the_oracle(string descr, string shape, int n, int d)
    {
        var random = new Random(HashCode.Combine(descr, shape, n, d) & 0x7fffffff);
        var values = Values(random, n * d, shape);
        if (shape == "ties" && descr == "|u1") values = values.Select(v => Math.Abs(v) * 3).ToArray();
        string path = Write($"m-{descr[1..]}-{shape}-{n}-{d}.npy", descr, n, d, values);
        var memory = NpyReader.Read(path);
        var mapped = NpyMappedReader.Read(path);
        AssertSameVectors(memory, mapped);
        if (mapped is DenseVectors dense && n > 0) Assert.True(dense.IsMapped);
        if (n < 2) return;

        var kinds = mapped.IsBinary ? new[] { ProblemKind.Msd, ProblemKind.Lsd, ProblemKind.MaxIp, ProblemKind.MinIp, ProblemKind.Ov } : new[] { ProblemKind.Msd, ProblemKind.Lsd, ProblemKind.MaxIp, ProblemKind.MinIp };
        foreach (var kind in kinds)
        {
            var problem = kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind);
            Answer expected;
            try
            {
                expected = BruteForce.Instance.Solve(SimilarityInstance.Monochromatic(memory), problem);
            }
            catch (InputException refused)
            {
                // A zero row has no cosine: the mapped rows must be refused the same way.
                Assert.Equal(refused.Message, Assert.Throws<InputException>(() => ExactSolvers.Solve(SimilarityInstance.Monochromatic(mapped), problem)).Message);
                continue;
            }

            var actual = ExactSolvers.Solve(SimilarityInstance.Monochromatic(mapped), problem);
            Assert.Equal((expected.Found, expected.I, expected.J, expected.Score), (actual.Found, actual.I, actual.J, actual.Score));
        }

        var metric = mapped.IsBinary ? NeighborMetric.Hamming : NeighborMetric.MaxIp;
        var reference = NearestNeighbors.Reference(memory, memory, metric, 3);
        var search = NearestNeighbors.Search(mapped, mapped, metric, 3);
        Assert.Equal(reference.Indices, search.Indices);
        Assert.Equal(reference.Scores, search.Scores);
    }

    [Fact]
    public void Bichromatic_answer_over_two_mapped_files_equals_the_oracle()
    {
        var random = new Random(5);
        string a = Write("a.npy", "<f4", 40, 48, Values(random, 40 * 48, "ties"));
        string b = Write("b.npy", "<f4", 23, 48, Values(random, 23 * 48, "ties"));
        foreach (var kind in new[] { ProblemKind.Msd, ProblemKind.Lsd, ProblemKind.MaxIp, ProblemKind.MinIp })
        {
            var expected = BruteForce.Instance.Solve(SimilarityInstance.Bichromatic(NpyReader.Read(a), NpyReader.Read(b)), Problem.Exact(kind));
            var actual = ExactSolvers.Solve(SimilarityInstance.Bichromatic(NpyMappedReader.Read(a), NpyMappedReader.Read(b)), Problem.Exact(kind));
            Assert.Equal((expected.I, expected.J, expected.Score), (actual.I, actual.J, actual.Score));
        }
    }

    [Fact]
    public void Dense_search_over_a_mapped_corpus_of_several_pack_windows_equals_the_oracle()
    {
        // 48 floats a row, a 128 KiB pack window: 512 rows a window (one corpus chunk), so 1,300 rows take three
        // windows, the last one short; the default 16 MiB window holds them all.
        var random = new Random(21);
        string corpus = Write("wide.npy", "<f4", 1300, 48, Values(random, 1300 * 48, "ties"));
        string queries = Write("wq.npy", "<f4", 9, 48, Values(random, 9 * 48, "ties"));
        var mapped = NpyMappedReader.Read(corpus);
        foreach (var metric in new[] { NeighborMetric.MaxIp, NeighborMetric.Lsd })
        {
            var reference = NearestNeighbors.Reference(NpyReader.Read(queries), NpyReader.Read(corpus), metric, 4);
            foreach (long window in new[] { 128L << 10, 16L << 20 })
            {
                var search = NearestNeighbors.Search(NpyReader.Read(queries), mapped, metric, 4, null, window);
                Assert.Equal(reference.Indices, search.Indices);
                Assert.Equal(reference.Scores, search.Scores);
            }
        }
    }

    [Fact]
    public void Forced_kinds_match_the_in_memory_reader()
    {
        var random = new Random(9);
        string bits = Write("bits.npy", "|u1", 5, 20, Values(random, 100, "bits"));
        AssertSameVectors(NpyReader.Read(bits, VectorKind.Dense), NpyMappedReader.Read(bits, VectorKind.Dense));
        string floats = Write("zo.npy", "<f4", 4, 16, Values(random, 64, "bits"));
        AssertSameVectors(NpyReader.Read(floats, VectorKind.Binary), NpyMappedReader.Read(floats, VectorKind.Binary));
    }

    [Fact]
    public void Bad_input_gets_the_same_one_line_error_as_the_in_memory_reader()
    {
        var random = new Random(3);
        var good = NpyReaderTests.Npy(NpyReaderTests.Dict("<f4", "(4, 16)"), NpyReaderTests.Encode("<f4", Values(random, 64, "floats")));
        string truncated = Path.Combine(_folder, "truncated.npy");
        File.WriteAllBytes(truncated, good[..^5]);
        string liar = Path.Combine(_folder, "liar.npy");
        File.WriteAllBytes(liar, NpyReaderTests.Npy(NpyReaderTests.Dict("<f4", "(3, 16)"), NpyReaderTests.Encode("<f4", Values(random, 64, "floats"))));
        var nan = Values(random, 64, "floats");
        nan[37] = double.NaN;
        string notFinite = Write("nan.npy", "<f4", 4, 16, nan);
        var odd = Values(random, 28, "floats");
        odd[3] = double.PositiveInfinity;
        string notFiniteOdd = Write("nan7.npy", "<f8", 4, 7, odd);
        var two = Values(random, 40, "bits");
        two[13] = 2;
        string notBit = Write("two.npy", "|u1", 4, 10, two);
        foreach (var (path, forced, expected) in new (string, VectorKind?, string)[]
        {
            (truncated, null, "is truncated"), (liar, null, "bytes after the"), (notFinite, null, "row 2, column 5"),
            (notFiniteOdd, null, "row 0, column 3: inf is not a finite number"), (notBit, VectorKind.Binary, "row 1, column 3"),
            (Path.Combine(_folder, "missing.npy"), null, "file not found"),
        })
        {
            var memory = Assert.Throws<InputException>(() => NpyReader.Read(path, forced));
            var mapped = Assert.Throws<InputException>(() => NpyMappedReader.Read(path, forced));
            Assert.Equal(memory.Message, mapped.Message);
            Assert.Contains(expected, mapped.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', mapped.Message);
        }
    }

    [Fact]
    public void A_fifo_is_refused_without_blocking()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("mkfifo is Linux-only here");
        string fifo = Path.Combine(_folder, "pipe.npy");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        var error = Assert.Throws<InputException>(() => NpyMappedReader.Read(fifo));
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
        Assert.False(NpyMappedReader.ShouldMap(fifo, InputMapping.Auto));
    }

    [Fact]
    public void Auto_maps_only_npy_files_from_the_threshold()
    {
        string small = Write("small.npy", "<f4", 2, 16, new double[32]);
        Assert.False(NpyMappedReader.ShouldMap(small, InputMapping.Auto));
        Assert.True(NpyMappedReader.ShouldMap(small, InputMapping.Always));
        Assert.False(NpyMappedReader.ShouldMap(small, InputMapping.Never));
        Assert.False(NpyMappedReader.ShouldMap(Path.Combine(_folder, "x.csv"), InputMapping.Always));
        Assert.False(((DenseVectors)VectorFile.Read(small, null, InputMapping.Auto)).IsMapped);
        Assert.True(((DenseVectors)VectorFile.Read(small, null, InputMapping.Always)).IsMapped);
    }

    private static void AssertSameVectors(VectorSet expected, VectorSet actual)
    {
        Assert.Equal(expected.IsBinary, actual.IsBinary);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Dimensions, actual.Dimensions);
        if (expected is BinaryVectors eb)
        {
            var ab = (BinaryVectors)actual;
            Assert.True(eb.Words.SequenceEqual(ab.Words));
            Assert.True(eb.Weights.SequenceEqual(ab.Weights));
            return;
        }

        var ed = (DenseVectors)expected;
        var ad = (DenseVectors)actual;
        Assert.True(ed.Values.SequenceEqual(ad.Values));
        Assert.True(ed.Norms.SequenceEqual(ad.Norms));
    }
}
