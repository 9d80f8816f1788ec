namespace Subquad.Hardness.Tests.Support;

/// <summary>Locates ../shared (SATLIB data) and external tools; tests skip with a reason when they are absent.</summary>
internal static class TestData
{
    /// <summary>The folder holding Subquad.sln, found by walking up from the test binaries.</summary>
    public static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Subquad.sln"))) return dir.FullName;
        }

        return null;
    }

    /// <summary>../shared/data/satlib next to the repository root, or null.</summary>
    public static string? SatlibDirectory()
    {
        var root = RepoRoot();
        if (root is null) return null;
        var dir = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "satlib"));
        return File.Exists(Path.Combine(dir, "MANIFEST.tsv")) ? dir : null;
    }

    /// <summary>The SATLIB directory or a skip naming where it was looked for.</summary>
    public static string RequireSatlib()
    {
        var dir = SatlibDirectory();
        if (dir is null) Assert.Skip($"SATLIB data not found at ../shared/data/satlib next to the repository root ({RepoRoot() ?? "no Subquad.sln above " + AppContext.BaseDirectory}); these tests read it in place");
        return dir!;
    }

    /// <summary>MANIFEST.tsv rows: relative path, declared variables and clauses, expected answer.</summary>
    public static IReadOnlyList<(string Path, int Variables, int Clauses, bool Satisfiable)> Manifest(string satlib) =>
        File.ReadLines(Path.Combine(satlib, "MANIFEST.tsv"))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture), p[3] switch
            {
                "SAT" => true,
                "UNSAT" => false,
                _ => throw new InvalidDataException($"MANIFEST: unknown expected value {p[3]}"),
            }))
            .ToList();

    /// <summary>True when SUBQUAD_LONG_TESTS=1.</summary>
    public static bool LongTests => Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") == "1";

    /// <summary>An executable in /usr/bin or on PATH, or null.</summary>
    public static string? Tool(string name)
    {
        foreach (var dir in new[] { "/usr/bin", "/usr/local/bin" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')))
        {
            if (dir.Length == 0) continue;
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }

        return null;
    }
}
