using System.Text.Json;
using System.Text.Json.Serialization;
using Subquad.Core;
using Subquad.Core.Problems;

namespace Subquad.Lab.Duel;

/// <summary>
/// A duel as data (JSON or CLI flags): the problem, the instance families, the sizes n, the contenders with their
/// budget ladders, trials per (family, n) and the seed. Everything a run produces is reproducible from it.
/// </summary>
public sealed record DuelExperiment
{
    /// <summary>ov | lsd | minip | maxip | msd.</summary>
    public string Problem { get; init; } = "ov";

    /// <summary>The threshold t as an exact decimal ("0", "0.5", "3"); required except for OV.</summary>
    public string? Threshold { get; init; }

    /// <summary>
    /// Several problems in one run (each with its own construction: Thm 4.1 for OV, C.2 for LSD_t, ...); null runs
    /// <see cref="Problem"/> alone. With more than one, the family column reads "LSD_0 critical" and each problem's
    /// instances are drawn with their own seeds.
    /// </summary>
    public IReadOnlyList<ProblemSpec>? Problems { get; init; }

    /// <summary>A x B instances (n/2 per side) instead of one set.</summary>
    public bool Bichromatic { get; init; }

    /// <summary>The families.</summary>
    public IReadOnlyList<FamilySpec> Families { get; init; } = [];

    /// <summary>Sizes n (powers of two by convention).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [];

    /// <summary>The heuristic and recurrent contenders (the exact engine and the transformer are always there).</summary>
    public IReadOnlyList<MixerSpec> Mixers { get; init; } = [];

    /// <summary>
    /// Instances per (family, n) in the main batch (the confirmation batch has as many again). 400 is what an
    /// all-correct cell needs for its Wilson lower bound to reach 0.99; fewer are refused for that target.
    /// </summary>
    public int Trials { get; init; } = 400;

    /// <summary>Master seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>l = max(MinDimensions, ceil(DimensionFactor * log2 n)): the paper's l = c log n regime.</summary>
    public double DimensionFactor { get; init; } = 2;

    /// <summary>
    /// The sweep of c in l = c log2 n (e.g. [2, 4, 8]); null runs <see cref="DimensionFactor"/> alone. With more than one c
    /// the family column reads "critical c=4".
    /// </summary>
    public IReadOnlyList<double>? DimensionFactors { get; init; }

    /// <summary>Confirm a budget that reaches the target on a second, independent batch of instances before reporting it.</summary>
    public bool Confirm { get; init; } = true;

    /// <summary>Instances between the sequential checks of a rung (stop once the upper bound is below the target).</summary>
    public int SequentialChunk { get; init; } = 40;

    /// <summary>Ladders stop before a rung whose cost exceeds full attention's times n^(capExponent - 2): 1.5 keeps them subquadratic.</summary>
    public double CapExponent { get; init; } = 1.5;

    /// <summary>Run the lambda sweep (kernel approximations' error against the score bound B, Alman-Song) on the first 4 instances of every hard cell with n at most <see cref="LambdaSweepMaxN"/>.</summary>
    public bool LambdaSweep { get; init; } = true;

    /// <summary>Largest n for the lambda sweep (it runs exact attention 8 times per instance).</summary>
    public int LambdaSweepMaxN { get; init; } = 4096;

    /// <summary>Draws per trial before a hard family counts as not balanceable at that n (refused up front).</summary>
    public int MaxAttempts { get; init; } = 200;

    /// <summary>The problems run: <see cref="Problems"/> or [<see cref="ToProblem"/>].</summary>
    public IReadOnlyList<Problem> ProblemsRun(string? source = null) =>
        Problems is { Count: > 0 } list ? [.. list.Select(p => (this with { Problem = p.Problem, Threshold = p.Threshold, Problems = null }).ToProblem(source))] : [ToProblem(source)];

    /// <summary>The problems for titles ("OV and LSD_t (t = 0)").</summary>
    public string ProblemsTitle => string.Join(" and ", ProblemsRun().Select(p => p.ToString()));

    /// <summary>The short name of a problem in family labels: "OV", "LSD_0", "MSD_0.5".</summary>
    public static string ShortName(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Threshold is { } t ? $"{problem.Kind.PaperName()}_{t}" : problem.Kind.PaperName();
    }

    /// <summary>The c values run: <see cref="DimensionFactors"/> or [<see cref="DimensionFactor"/>].</summary>
    public IReadOnlyList<double> DimensionFactorsRun => DimensionFactors is { Count: > 0 } list ? list : [DimensionFactor];

    /// <summary>l for n documents at c.</summary>
    public int DimensionsFor(int n, double c) => Math.Max(MinDimensions, (int)Math.Ceiling(c * Math.Log2(Math.Max(2, n))));

    /// <summary>Lower bound on l.</summary>
    public int MinDimensions { get; init; } = 8;

    /// <summary>The accuracy a budget must reach ("budget for 99%").</summary>
    public double TargetAccuracy { get; init; } = 0.99;

    /// <summary>Stop climbing a ladder once the target is reached (and the fixed budget is covered): saves time; the ladder's remaining rungs are not run.</summary>
    public bool StopAtTarget { get; init; } = true;

    /// <summary>l for n documents.</summary>
    public int DimensionsFor(int n) => Math.Max(MinDimensions, (int)Math.Ceiling(DimensionFactor * Math.Log2(Math.Max(2, n))));

    /// <summary>
    /// The full default experiment (issue 12): OV and LSD_0 (Thm 3.1's threshold case, through Thm C.2's construction)
    /// on the hard families (planted, critical) with random(p = 0.25) as the easy control, n = 2^10 .. 2^14, 400 instances per cell (plus a confirmation batch where a rung reaches the target),
    /// every contender, ladders capped at n^1.5. Hours on 2 cores: see docs/duel.md for what was measured.
    /// </summary>
    public static DuelExperiment Default { get; } = new()
    {
        Problem = "ov",
        Problems = [new ProblemSpec { Problem = "ov" }, new ProblemSpec { Problem = "lsd", Threshold = "0" }],
        Families =
        [
            new FamilySpec { Kind = "random", Density = 0.25 },
            new FamilySpec { Kind = "planted", Density = 0.3, Margin = 2 },
            new FamilySpec { Kind = "critical" },
        ],
        Sizes = [1024, 2048, 4096, 8192, 16384],
        Mixers =
        [
            new MixerSpec { Kind = "random-sparse" },
            new MixerSpec { Kind = "window" },
            new MixerSpec { Kind = "lsh" },
            new MixerSpec { Kind = "alsh" },
            new MixerSpec { Kind = "performer" },
            new MixerSpec { Kind = "linformer" },
            new MixerSpec { Kind = "clustered" },
            new MixerSpec { Kind = "taylor" },
            new MixerSpec { Kind = "linear-causal" },
            new MixerSpec { Kind = "onepass" },
            new MixerSpec { Kind = "mamba", Budgets = [1, 16] },
        ],
        Trials = 400,
        Seed = 1,
    };

    /// <summary>JSON options: snake_case (the house schema), comments and trailing commas allowed, enums as strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Reads an experiment from JSON text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InputException">Malformed JSON or an invalid experiment.</exception>
    public static DuelExperiment FromJson(string json, string? source = null)
    {
        DuelExperiment? experiment;
        try
        {
            experiment = JsonSerializer.Deserialize<DuelExperiment>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InputException(source, ex.LineNumber is { } line ? $"line {line + 1}" : null, "is not a valid duel experiment: " + ex.Message.Split('.')[0]);
        }

        if (experiment is null) throw new InputException(source, null, "is empty; expected a duel experiment object");
        experiment.Validate(source);
        return experiment;
    }

    /// <summary>As JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The problem this experiment asks.</summary>
    /// <exception cref="InputException">Unknown problem, or a missing or invalid threshold.</exception>
    public Problem ToProblem(string? source = null)
    {
        if (!ProblemKinds.TryParse(Problem, out var kind)) throw new InputException(source, null, $"problem \"{Problem}\" is not one of ov, lsd, minip, maxip, msd");
        if (kind == ProblemKind.Ov)
        {
            if (Threshold is not null) throw new InputException(source, null, "OV takes no threshold");
            return Core.Problems.Problem.OrthogonalVectors;
        }

        if (Threshold is null) throw new InputException(source, null, $"{kind.PaperName()}_t needs a threshold (e.g. \"threshold\": \"0\")");
        if (!Core.Problems.Problem.TryCreate(kind, Threshold, null, out var problem, out var error)) throw new InputException(source, null, error);
        return problem;
    }

    /// <summary>Checks every field; throws a one-line <see cref="InputException"/> naming the first problem.</summary>
    public void Validate(string? source = null)
    {
        ToProblem(source);
        ProblemsRun(source);
        if (Families.Count == 0) throw new InputException(source, null, "lists no families");
        if (Sizes.Count == 0) throw new InputException(source, null, "lists no sizes n");
        foreach (int n in Sizes)
        {
            if (n < 4) throw new InputException(source, null, $"size n = {n} is too small (at least 4)");
            if (n > 1 << 16) throw new InputException(source, null, $"size n = {n} is above 65536 (the reference rows are quadratic)");
        }

        if (Trials < 2) throw new InputException(source, null, $"trials = {Trials}: need at least 2 (one yes and one no instance)");
        if (TargetAccuracy is > 0 and <= 1)
        {
            double best = Analysis.Proportion.Wilson(Trials, Trials).Low;
            if (best < TargetAccuracy)
            {
                int need = Analysis.Proportion.TrialsForLowerBound(TargetAccuracy);
                throw new InputException(source, null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"trials = {Trials} cannot support target {TargetAccuracy}: even all right, the 95% Wilson lower bound is {best:0.000}; use at least {need} trials or a target of at most {Math.Floor(best * 1000) / 1000:0.000}"));
            }
        }

        if (SequentialChunk < 2) throw new InputException(source, null, $"sequentialChunk = {SequentialChunk}: need at least 2");
        if (CapExponent is < 1 or > 2.5 || double.IsNaN(CapExponent)) throw new InputException(source, null, $"capExponent = {CapExponent}: must lie in [1, 2.5]");
        if (MaxAttempts < 1) throw new InputException(source, null, $"maxAttempts = {MaxAttempts}: need at least 1");
        if (DimensionFactors is { } factors && factors.Any(c => c <= 0 || double.IsNaN(c))) throw new InputException(source, null, "dimensionFactors must all be positive");
        if (DimensionFactor <= 0 || double.IsNaN(DimensionFactor)) throw new InputException(source, null, $"dimensionFactor = {DimensionFactor}: must be positive");
        if (MinDimensions < 2) throw new InputException(source, null, $"minDimensions = {MinDimensions}: need at least 2");
        if (TargetAccuracy is <= 0 or > 1 || double.IsNaN(TargetAccuracy)) throw new InputException(source, null, $"targetAccuracy = {TargetAccuracy}: must lie in (0, 1]");
        foreach (var family in Families)
        {
            if (family.Density is { } p && (p < 0 || p > 1)) throw new InputException(source, null, $"family {family.Kind}: density {p} is outside [0, 1]");
            if (family.Margin is < 0) throw new InputException(source, null, $"family {family.Kind}: margin {family.Margin} is negative");
        }

        foreach (var mixer in Mixers)
        {
            if (!DuelContenders.Kinds.Contains(mixer.Kind)) throw new InputException(source, null, $"mixer kind \"{mixer.Kind}\" is not one of {string.Join(", ", DuelContenders.Kinds)}");
            if (mixer.Budgets is { } budgets && (budgets.Count == 0 || budgets.Any(b => b < 0))) throw new InputException(source, null, $"mixer {mixer.Kind}: budgets must be a non-empty list of non-negative numbers");
            if (mixer.BucketSize is < 1) throw new InputException(source, null, $"mixer {mixer.Kind}: bucketSize must be at least 1");
            if (mixer.GlobalRows is < 0) throw new InputException(source, null, $"mixer {mixer.Kind}: globalRows must not be negative");
            if (mixer.Policy is { } policy && policy is not ("first" or "weight" or "reservoir" or "sketch")) throw new InputException(source, null, $"mixer {mixer.Kind}: policy \"{policy}\" is not first, weight, reservoir or sketch");
        }
    }
}
