using System.Globalization;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>
/// Files written by numpy itself (format 1.0 and 2.0, every dtype, both byte orders) read back with the values numpy
/// put there, and files Subquad writes load in numpy. Skipped, with the reason, when python3 with numpy is absent.
/// </summary>
public class NumpyInteropTests
{
    private static readonly string[] Dtypes = ["?", "u1", "i1", "<u2", ">u2", "<i2", ">i2", "<u4", ">i4", "<i4", "<u8", ">i8", "<i8", "<f2", ">f4", "<f4", "<f8", ">f8"];

    // Values numpy and C# both compute from (i, k): 0/1 for the binary files, small signed integers or quarters otherwise.
    private static double ZeroOne(int i, int k) => (i * 7 + k * 3) % 5 < 2 ? 1 : 0;

    private static double General(int i, int k, bool signed, bool isFloat) =>
        isFloat ? (i - 2 * k) * 0.25 : signed ? (i * 5 + k * 11) % 23 - 11 : (i * 5 + k * 11) % 23;

    [Fact]
    public void FilesWrittenByNumpy_ReadWithTheSameValues()
    {
        string python = FoundationTestData.RequireNumpy();
        using var temp = new FoundationTestData.TempFolder();
        const int n = 9, d = 70;
        string script = $$"""
            import numpy as np
            from numpy.lib import format as fmt
            n, d = {{n}}, {{d}}
            i, k = np.meshgrid(np.arange(n), np.arange(d), indexing='ij')
            zero_one = ((i * 7 + k * 3) % 5 < 2).astype(np.int64)
            for t in {{"[" + string.Join(", ", Dtypes.Select(t => "'" + t + "'")) + "]"}}:
                dt = np.dtype(t)
                signed = dt.kind in 'if'
                general = (i - 2 * k) * 0.25 if dt.kind == 'f' else ((i * 5 + k * 11) % 23 - (11 if signed else 0))
                name = t.replace('<', 'le').replace('>', 'be').replace('?', 'bool')
                for version in [(1, 0), (2, 0)]:
                    for label, values in [('01', zero_one), ('gen', general)]:
                        if dt.kind == 'b' and label == 'gen':
                            continue
                        with open('{{temp.Path}}/' + name + '_' + label + '_v' + str(version[0]) + '.npy', 'wb') as f:
                            fmt.write_array(f, np.ascontiguousarray(values.astype(dt)), version=version)
            np.save('{{temp.Path}}/fortran.npy', np.asfortranarray(np.ones((3, 4), dtype=np.float32)))
            np.save('{{temp.Path}}/three.npy', np.zeros((2, 3, 4), dtype=np.float32))
            np.save('{{temp.Path}}/one.npy', np.zeros(5, dtype=np.float32))
            np.save('{{temp.Path}}/complex.npy', np.zeros((2, 2), dtype=np.complex64))
            print('ok')
            """;
        Assert.Equal("ok", FoundationTestData.RunPython(python, script).Trim());

        int files = 0;
        foreach (var t in Dtypes)
        {
            string name = t.Replace("<", "le", StringComparison.Ordinal).Replace(">", "be", StringComparison.Ordinal).Replace("?", "bool", StringComparison.Ordinal);
            bool isFloat = t.Contains('f', StringComparison.Ordinal);
            bool signed = isFloat || t.Contains('i', StringComparison.Ordinal);
            foreach (var version in new[] { 1, 2 })
            {
                string path = temp.File($"{name}_01_v{version}.npy");
                Assert.Equal(version, NpyReader.ReadHeader(path).Major);
                var vectors = NpyReader.Read(path);
                Assert.Equal(!isFloat, vectors.IsBinary);
                var asBinary = NpyReader.Read(path, VectorKind.Binary) as BinaryVectors;
                Assert.NotNull(asBinary);
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < d; k++) Assert.Equal(ZeroOne(i, k) == 1, asBinary[i, k]);
                }

                files++;
                if (t == "?") continue;
                var general = Assert.IsType<DenseVectors>(NpyReader.Read(temp.File($"{name}_gen_v{version}.npy")));
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < d; k++) Assert.Equal(General(i, k, signed, isFloat), general[i, k]);
                }

                files++;
            }
        }

        Assert.True(files > 60, files.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("Fortran", Assert.Throws<InputException>(() => NpyReader.Read(temp.File("fortran.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("3-D", Assert.Throws<InputException>(() => NpyReader.Read(temp.File("three.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("1-D", Assert.Throws<InputException>(() => NpyReader.Read(temp.File("one.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("<c8", Assert.Throws<InputException>(() => NpyReader.Read(temp.File("complex.npy"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesWrittenBySubquad_LoadInNumpy()
    {
        string python = FoundationTestData.RequireNumpy();
        using var temp = new FoundationTestData.TempFolder();
        var random = new Random(5);
        var binary = FoundationTestData.Binary(random, 13, 77, 0.3);
        var dense = FoundationTestData.Dense(random, 11, 33);
        VectorFile.Write(temp.File("b.npy"), binary);
        VectorFile.Write(temp.File("d.npy"), dense);
        using (var v2 = File.Create(temp.File("v2.npy"))) NpyWriter.Write(v2, binary, 2);
        using (var pairs = new NpyPairWriter(temp.File("pairs.npy")))
        {
            pairs.Add(1, 2);
            pairs.Add(3, 40);
            pairs.Complete(); // without it the file lands at pairs.partial.npy (a cancelled run never replaces a result)
        }

        string output = FoundationTestData.RunPython(python, $$"""
            import numpy as np
            b = np.load('{{temp.Path}}/b.npy'); d = np.load('{{temp.Path}}/d.npy'); v2 = np.load('{{temp.Path}}/v2.npy'); p = np.load('{{temp.Path}}/pairs.npy')
            print(b.dtype, b.shape, int(b.sum()), d.dtype, d.shape, v2.shape, int((v2 == b).all()), p.dtype, p.shape, p.tolist())
            print(repr(float(d.astype(np.float64).sum())))
            """).Trim();
        long ones = 0;
        for (int i = 0; i < binary.Count; i++) ones += binary.Weight(i);
        double sum = 0;
        for (int i = 0; i < dense.Count; i++) foreach (float x in dense.Row(i)) sum += x;
        var parts = output.Split(' ', 2);
        Assert.Equal("uint8", parts[0]);
        Assert.Contains($"(13, 77) {ones} float32 (11, 33) (13, 77) 1 int64", output, StringComparison.Ordinal);
        Assert.Contains("int64 (2, 2) [[1, 2], [3, 40]]", output, StringComparison.Ordinal);
        // numpy sums pairwise, C# in order: compare the totals loosely, the values exactly through the reader tests.
        string total = output.Split('\n')[1].Trim();
        Assert.Equal(sum, double.Parse(total, CultureInfo.InvariantCulture), Math.Abs(sum) * 1e-9 + 1e-9);
    }
}
