using System.Diagnostics;

namespace Subquad.Cli.Tests;

/// <summary>Runs <c>subquad</c> in-process with captured output, plus temp folders and numpy for the CLI tests.</summary>
internal static class CliHarness
{
    public sealed record Result(int Code, string Out, string Err)
    {
        /// <summary>The one stderr line of a failed command.</summary>
        public string ErrorLine
        {
            get
            {
                string trimmed = Err.Trim();
                Assert.DoesNotContain('\n', trimmed);
                Assert.DoesNotContain("   at ", trimmed, StringComparison.Ordinal);
                Assert.StartsWith("error: ", trimmed, StringComparison.Ordinal);
                return trimmed;
            }
        }
    }

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SubquadApp.Run(args, output, error, interactive: false);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs and asserts exit code 0, showing stderr otherwise.</summary>
    public static Result Ok(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.Code == 0, $"exit {result.Code}: {result.Err}\n{result.Out}");
        return result;
    }

    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "subquad-cli-" + Guid.NewGuid().ToString("N"));
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

    private static readonly Lazy<string?> NumpyPython = new(() =>
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", "import numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true });
                if (process is not null && process.WaitForExit(30_000) && process.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        return null;
    });

    /// <summary>A python3 with numpy, or the test is skipped with the reason.</summary>
    public static string RequireNumpy()
    {
        var python = NumpyPython.Value;
        if (python is null) Assert.Skip("python3 with numpy is not available (install python3-numpy); the numpy comparison needs it");
        return python!;
    }

    public static string Python(string python, string script)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-");
        using var process = Process.Start(info)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "python timed out");
        Assert.True(process.ExitCode == 0, "python failed: " + stderr.Result);
        return stdout.Result;
    }
}
