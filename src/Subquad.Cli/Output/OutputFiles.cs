using System.CommandLine;
using Subquad.Core;
using Subquad.Core.IO;

namespace Subquad.Cli.Output;

/// <summary>
/// The one overwrite rule of every verb that writes a file the user names (<c>-o</c>, <c>--export</c>): an existing
/// file is refused, before any work, unless <c>--force</c> is given; the write itself goes through a temporary
/// sibling (<see cref="AtomicFile"/>), and a cancelled run's partial result lands beside the target
/// (<c>NAME.partial.EXT</c>), never on it.
/// </summary>
internal static class OutputFiles
{
    /// <summary>The shared <c>--force</c> option.</summary>
    public static Option<bool> Force() => new("--force") { Description = "Replace existing output files (without it, an existing file is refused)." };

    /// <summary>Throws the one-line error when <paramref name="path"/> (or any of <paramref name="alsoWritten"/>) exists and <paramref name="force"/> is false.</summary>
    public static void RefuseExisting(string path, bool force, params string[] alsoWritten)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (force) return;
        foreach (var target in alsoWritten.Prepend(path))
        {
            if (File.Exists(target) || Directory.Exists(target))
            {
                throw new InputException(target, null, "exists; not overwritten (pass --force to replace it)");
            }
        }
    }
}
