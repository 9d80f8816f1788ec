using Subquad.Lab.Duel;
using Subquad.Models.Alternatives.Reference;

namespace Subquad.Lab.Tests.Duel;

/// <summary>The wiring the Lab tests use: the test OV construction through the naive O(n^2) float64 attention.</summary>
internal static class DuelTestWiring
{
    public static DuelWiring Ov { get; } = new()
    {
        Construct = TestOvConstruction.Build,
        ExactAttention = NaiveAttention.Instance,
        ConstructionName = "test Thm 4.1 OV construction, robust lambda",
    };

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
