namespace Subquad.Learn.Mixers;

/// <summary>The sequence mixers the zoo trains.</summary>
public enum MixerKind
{
    /// <summary>Causal softmax attention.</summary>
    Attention,

    /// <summary>Sliding-window softmax attention.</summary>
    SlidingWindow,

    /// <summary>Based: short convolution plus Taylor linear attention.</summary>
    Based,

    /// <summary>Mamba-1 (S6).</summary>
    Mamba,

    /// <summary>Gated DeltaNet.</summary>
    GatedDeltaNet,
}

/// <summary>Names on the command line and in results.</summary>
public static class MixerKinds
{
    /// <summary>Every kind with its name.</summary>
    public static IReadOnlyList<(MixerKind Kind, string Name)> All { get; } =
    [
        (MixerKind.Attention, "attention"),
        (MixerKind.SlidingWindow, "window"),
        (MixerKind.Based, "based"),
        (MixerKind.Mamba, "mamba"),
        (MixerKind.GatedDeltaNet, "deltanet"),
    ];

    /// <summary>The name of a kind.</summary>
    public static string Name(this MixerKind kind) => All.First(x => x.Kind == kind).Name;

    /// <summary>Parses a name (case-insensitive).</summary>
    public static bool TryParse(string name, out MixerKind kind)
    {
        foreach (var (k, n) in All)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
