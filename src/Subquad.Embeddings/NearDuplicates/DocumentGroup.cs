namespace Subquad.Embeddings.NearDuplicates;

/// <summary>
/// A cluster of near-duplicate documents: a connected component of the graph whose edges are the pairs that met the
/// threshold (single linkage: every member is linked to another by a chain of such pairs). Four identical files
/// are one group of 4, not 6 pairs.
/// </summary>
/// <param name="Documents">The members' names, in the order the folder lists them.</param>
/// <param name="MinCosine">The smallest cosine among the pairs inside the group (the weakest edge met the threshold).</param>
/// <param name="MaxCosine">The largest cosine among them.</param>
public sealed record DocumentGroup(IReadOnlyList<string> Documents, double MinCosine, double MaxCosine)
{
    /// <summary>The groups of <paramref name="pairs"/> (all pairs meeting a threshold), largest first, then by first member.</summary>
    public static IReadOnlyList<DocumentGroup> From(IReadOnlyList<DocumentPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var parent = new Dictionary<int, int>();
        var names = new Dictionary<int, string>();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }

            return x;
        }

        foreach (var pair in pairs)
        {
            foreach (var (row, name) in new[] { (pair.I, pair.NameI), (pair.J, pair.NameJ) })
            {
                if (parent.TryAdd(row, row)) names[row] = name;
            }

            int a = Find(pair.I), b = Find(pair.J);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }

        var members = parent.Keys.GroupBy(Find).ToDictionary(g => g.Key, g => g.Order().ToList());
        var cosines = pairs.GroupBy(p => Find(p.I)).ToDictionary(g => g.Key, g => (Min: g.Min(p => p.Similarity), Max: g.Max(p => p.Similarity)));
        return members
            .Select(m => (First: m.Value[0], Group: new DocumentGroup(m.Value.Select(r => names[r]).ToList(), cosines[m.Key].Min, cosines[m.Key].Max)))
            .OrderByDescending(g => g.Group.Documents.Count).ThenBy(g => g.First)
            .Select(g => g.Group)
            .ToList();
    }
}
