using System.Diagnostics;

namespace Subquad.Learn.Tests.Mixers;

/// <summary>
/// Finds a Python with PyTorch: $SUBQUAD_PYTHON, then python3 on PATH, then Debian's /usr/bin/python3 (where
/// apt's python3-torch lives even when a pyenv python3 shadows it). Null, with the reason, when none imports torch.
/// </summary>
internal static class TorchPython
{
    private static readonly Lazy<(string? Path, string Reason)> Found = new(Find);

    public static string? Path => Found.Value.Path;

    public static string Reason => Found.Value.Reason;

    private static (string?, string) Find()
    {
        var tried = new List<string>();
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("SUBQUAD_PYTHON"), "python3", "/usr/bin/python3" })
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            // Importing torch takes 45 s on this machine at nice 19 under load 20, so a short timeout reads as "no torch".
            var (code, output) = Run(candidate, ["-c", "import torch; print(torch.__version__)"], TimeSpan.FromMinutes(5));
            if (code == 0) return (candidate, $"torch {output.Trim()} via {candidate}");
            tried.Add($"{candidate}: {code switch { -1 => "not found", -2 => "import torch timed out after 5 minutes", _ => "no torch" }}");
        }

        return (null, "PyTorch not available (" + string.Join("; ", tried) + "); install python3-torch (apt) to run the fixture comparisons");
    }

    public static (int Code, string Output) Run(string file, string[] args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                return (-2, "timed out");
            }

            return (p.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "");
        }
    }
}
