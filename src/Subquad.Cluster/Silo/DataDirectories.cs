namespace Subquad.Cluster.Silo;

/// <summary>
/// The directories a silo was started with (<c>--data-dir</c>, repeatable): a job may only name inputs and a shard
/// directory inside one of them, after resolving "..", and symbolic links of the file itself.
/// </summary>
public sealed class DataDirectories
{
    private readonly List<string> _roots;

    public DataDirectories(IEnumerable<string> roots)
    {
        _roots = roots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).ToList();
    }

    /// <summary>The roots, absolute.</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>Null when <paramref name="path"/> lies inside a root, else a one-line refusal.</summary>
    public string? Refusal(string path)
    {
        string full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) full = Path.GetFullPath(target.FullName);
        foreach (var root in _roots)
        {
            if (full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || full == root) return null;
        }

        return _roots.Count == 0
            ? $"{path}: this silo was started without --data-dir and reads no files"
            : $"{path}: outside this silo's data directories ({string.Join(", ", _roots)}); refusing to read it";
    }
}
