using System.Diagnostics;
using Subquad.Core.Vectors;

namespace Subquad.Core.Tests.IO;

/// <summary>Seeded random vector sets, exact comparisons, temp folders and numpy for the foundation tests.</summary>
internal static class FoundationTestData
{
    /// <summary>n x l random bits with the given density; zero rows allowed.</summary>
    public static BinaryVectors Binary(Random random, int n, int l, double density)
    {
        var builder = new BinaryVectors.Builder(n, l);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < l; k++)
            {
                if (random.NextDouble() < density) builder.Set(i, k);
            }
        }

        return builder.Build();
    }

    /// <summary>n x d floats mixing magnitudes, signs, integers, zeros and tiny values, so text round-trips are tested hard.</summary>
    public static DenseVectors Dense(Random random, int n, int d)
    {
        var builder = new DenseVectors.Builder(n, d);
        for (int i = 0; i < n; i++)
        {
            var row = builder.RowSpan(i);
            for (int k = 0; k < d; k++)
            {
                row[k] = random.Next(6) switch
                {
                    0 => 0f,
                    1 => random.Next(-300, 300),
                    2 => (float)(random.NextDouble() * 2 - 1),
                    3 => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30))),
                    4 => BitConverter.Int32BitsToSingle(random.Next(1, 0x7F7FFFFF)) * (random.Next(2) == 0 ? 1 : -1),
                    _ => (float)random.NextDouble(),
                };
            }
        }

        return builder.Build();
    }

    /// <summary>Dense rows whose entries are small non-negative integers (for .bvecs and numpy integer files).</summary>
    public static DenseVectors SmallIntegers(Random random, int n, int d, int max)
    {
        var builder = new DenseVectors.Builder(n, d);
        for (int i = 0; i < n; i++)
        {
            var row = builder.RowSpan(i);
            for (int k = 0; k < d; k++) row[k] = random.Next(max + 1);
        }

        return builder.Build();
    }

    /// <summary>Asserts same kind, shape and every entry (floats compared bit for bit).</summary>
    public static void AssertSame(VectorSet expected, VectorSet actual)
    {
        Assert.Equal(expected.IsBinary, actual.IsBinary);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Dimensions, actual.Dimensions);
        for (int i = 0; i < expected.Count; i++)
        {
            if (expected is BinaryVectors eb)
            {
                var ab = (BinaryVectors)actual;
                if (!eb.Row(i).SequenceEqual(ab.Row(i)) || eb.Weight(i) != ab.Weight(i)) Assert.Fail($"row {i} differs");
            }
            else
            {
                var ed = (DenseVectors)expected;
                var ad = (DenseVectors)actual;
                var er = ed.Row(i);
                var ar = ad.Row(i);
                for (int k = 0; k < er.Length; k++)
                {
                    // Bit-identical, except that -0 may come back as 0 from text.
                    if (BitConverter.SingleToInt32Bits(er[k]) != BitConverter.SingleToInt32Bits(ar[k]) && er[k] != ar[k])
                    {
                        Assert.Fail($"row {i}, column {k}: {er[k]:R} vs {ar[k]:R}");
                    }
                }
            }
        }
    }

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "subquad-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static readonly Lazy<string?> NumpyPython = new(FindNumpy);

    /// <summary>A python3 with numpy (Debian's /usr/bin/python3 first: the PATH one may be a shim without numpy), or null.</summary>
    public static string? Numpy => NumpyPython.Value;

    /// <summary>The numpy python, or skips the test with a reason when there is none.</summary>
    public static string RequireNumpy()
    {
        var python = Numpy;
        if (python is null) Assert.Skip("python3 with numpy is not available (install python3-numpy); this numpy interop test needs it");
        return python!;
    }

    /// <summary>Runs a python script; returns stdout; fails the test with stderr on a non-zero exit.</summary>
    public static string RunPython(string python, string script)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("-");
        using var process = Process.Start(info)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail("python timed out");
        }

        Assert.True(process.ExitCode == 0, "python failed: " + stderr.Result);
        return stdout.Result;
    }

    private static string? FindNumpy()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var info = new ProcessStartInfo(candidate, ["-c", "import numpy"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                using var process = Process.Start(info);
                if (process is null) continue;
                if (process.WaitForExit(30_000) && process.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        return null;
    }
}
