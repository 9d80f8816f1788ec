using Subquad.Lab.Duel;

namespace Subquad.Lab.Tests.Duel;

/// <summary>Small duel experiments for the Lab's tests (the real construction through the exact attention engine).</summary>
internal static class DuelTestExperiments
{
    public static DuelExperiment Small(int seed = 7) => new()
    {
        Problem = "ov",
        Families = [new FamilySpec { Kind = "planted", Density = 0.3, Margin = 2 }, new FamilySpec { Kind = "critical" }],
        Sizes = [16, 32],
        Mixers =
        [
            new MixerSpec { Kind = "window" },
            new MixerSpec { Kind = "lsh", BucketSize = 8 },
            new MixerSpec { Kind = "performer", Budgets = [4, 16] },
            new MixerSpec { Kind = "linformer" },
            new MixerSpec { Kind = "clustered" },
            new MixerSpec { Kind = "taylor" },
            new MixerSpec { Kind = "linear-causal" },
            new MixerSpec { Kind = "onepass" },
            new MixerSpec { Kind = "mamba", Budgets = [4] },
        ],
        Trials = 4,
        Seed = seed,
        MinDimensions = 12,
        TargetAccuracy = 0.5, // four instances cannot support more (Wilson lower bound of 4/4 is 0.51)
        SequentialChunk = 2,
        CapExponent = 2.5,    // at n = 16..32 a subquadratic cap leaves no ladder to climb
    };
}
