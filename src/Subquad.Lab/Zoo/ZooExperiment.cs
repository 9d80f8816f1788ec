using System.Text.Json;
using System.Text.Json.Serialization;
using Subquad.Learn.Mixers;
using Subquad.Learn.Tasks;

namespace Subquad.Lab.Zoo;

/// <summary>
/// The zoo's experiment as data (DIR/experiment.json): which tasks and families, sizes n, mixers, widths, seeds and
/// learning rates to sweep, and the training budget. Every run is (task, family, n, mixer, width, seed, lr); the best
/// lr per (task, family, n, mixer, width, seed) on a validation split is the one the report uses.
/// </summary>
public sealed record ZooExperiment
{
    /// <summary>JSON options: snake_case, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>"partner-recall" and/or "decision".</summary>
    public List<string> Tasks { get; init; } = ["partner-recall"];

    /// <summary>"ov", "lsd", "msd".</summary>
    public List<string> Families { get; init; } = ["ov"];

    /// <summary>Documents per sequence.</summary>
    public List<int> Sizes { get; init; } = [16, 32, 64, 128, 256, 512];

    /// <summary>Mixer names (attention, window, based, mamba, deltanet).</summary>
    public List<string> Mixers { get; init; } = ["attention", "window", "based", "mamba", "deltanet"];

    /// <summary>Model widths D (they set every recurrent state).</summary>
    public List<int> Widths { get; init; } = [16, 32, 64, 128];

    /// <summary>Model seeds.</summary>
    public List<int> Seeds { get; init; } = [1, 2, 3];

    /// <summary>Peak learning rates; the best on validation is reported.</summary>
    public List<double> LearningRates { get; init; } = [1e-3, 3e-3, 1e-2];

    /// <summary>Training steps per run.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>
    /// Train through the doubling curriculum n = 4, 8, ... up to the run's n (half the steps at the final n, the rest
    /// shared by the earlier sizes, each stage with about the same labelled tokens per step); false trains at the run's n
    /// only. Every mixer gets the same schedule.
    /// </summary>
    public bool Curriculum { get; init; } = true;

    /// <summary>QK-norm in attention and the sliding window (RMSNorm with learned gains on q and k); off by default.</summary>
    public bool QkNorm { get; init; }

    /// <summary>
    /// Initial value of a learned per-head attention temperature in attention and the sliding window (logits × g, g
    /// log-parameterised, learning at 10× the base rate; see docs/learn.md, "The learned temperature"); null for none.
    /// Default 1: the temperature starts neutral and is learned. The recurrent mixers have their own learned,
    /// input-dependent sharpness (Mamba's Δ, DeltaNet's β and gate) and get no extra knob.
    /// </summary>
    public double? LogitScale { get; init; } = 1.0;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.0;

    /// <summary>Sequences per step at the run's n (when <see cref="TokensPerStep"/> is null).</summary>
    public int Batch { get; init; } = 32;

    /// <summary>
    /// Labelled tokens per training step at the run's n: the batch there is max(1, tokens_per_step / n) sequences (the
    /// curriculum's earlier stages scale it up as usual). Null: <see cref="Batch"/> sequences at every n, so a step at
    /// n = 512 costs 32 times one at n = 16. Fixing the tokens instead keeps a step's cost about constant across n (except
    /// attention's n² part) and gives every n the same number of labels to learn from.
    /// </summary>
    public int? TokensPerStep { get; init; }

    /// <summary>
    /// Sizes at which every learning rate is trained; at a larger n each (task, family, mixer, width) trains only the lr
    /// with the best mean validation accuracy over seeds at the largest search size below it. Null: every lr at every n
    /// (the issue's grid; the best per seed on validation is reported).
    /// </summary>
    public List<int>? LrSearchSizes { get; init; }

    /// <summary>Runs trained at the same time (at most threads); each gets max(1, threads / jobs) op threads. Same rows for any value.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Sequences per step at the final size n.</summary>
    public int BatchFor(int n) => TokensPerStep is { } t ? Math.Max(1, t / n) : Batch;

    /// <summary>True when every learning rate is trained at size n.</summary>
    public bool SearchesLrAt(int n) => LrSearchSizes is null || LrSearchSizes.Contains(n) || !LrSearchSizes.Any(s => s < n);

    /// <summary>Layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Heads for attention, window, Based and DeltaNet (width must divide).</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Sliding window W (keys including self).</summary>
    public int Window { get; init; } = 16;

    /// <summary>Validation sequences (lr selection).</summary>
    public int ValidationSequences { get; init; } = 200;

    /// <summary>Held-out test sequences per row.</summary>
    public int TestSequences { get; init; } = 1000;

    /// <summary>Threads for the ops.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Master seed for data (validation and test sets are shared by all mixers at one n).</summary>
    public int DataSeed { get; init; } = 2024;

    /// <summary>
    /// The default sweep (docs/learn.md, "The default sweep", gives its measured time): n = 16 .. 512, all five mixers,
    /// widths 32, 64 and 128, one seed, three learning rates searched at n = 16 (larger n use the best there), 1,000
    /// steps of about 2,048 labelled tokens (doubling curriculum), two runs at a time on two threads: 120 runs. Three seeds
    /// (`--seeds 1,2,3`) triple it, past the 3-hour budget on 2 cores; the attention check with three seeds is its own
    /// measured run (`--mixers attention --widths 128 --seeds 1,2,3`, docs/learn.md).
    /// </summary>
    public static ZooExperiment Default => new()
    {
        Sizes = [16, 32, 64, 128, 256, 512],
        Widths = [32, 64, 128],
        Seeds = [1],
        LearningRates = [1e-3, 3e-3, 1e-2],
        LrSearchSizes = [16],
        Steps = 1000,
        TokensPerStep = 2048,
        Jobs = 2,
    };

    /// <summary>
    /// The issue's grid: three seeds, every lr at every n, and width 16 as well (1,080 runs; about 20 times the default's
    /// cost, see docs/learn.md). Same training budget per run as the default.
    /// </summary>
    public static ZooExperiment Full => Default with { Widths = [16, 32, 64, 128], Seeds = [1, 2, 3], LrSearchSizes = null };

    /// <summary>The reduced sweep of <c>--quick</c>: attention and Mamba on OV partner recall at two sizes, one seed, one lr.</summary>
    public static ZooExperiment Quick => Default with
    {
        Sizes = [16, 64],
        Mixers = ["attention", "mamba"],
        Widths = [32, 128],
        Seeds = [1],
        LearningRates = [3e-3],
        LrSearchSizes = null,
        ValidationSequences = 100,
    };

    /// <summary>Parses DIR/experiment.json or a user file; an <see cref="Subquad.Core.InputException"/> names the file and line.</summary>
    public static ZooExperiment FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ZooExperiment>(json, JsonOptions) ?? throw new Subquad.Core.InputException(source, null, "empty experiment");
        }
        catch (JsonException e)
        {
            throw new Subquad.Core.InputException(source, $"line {(e.LineNumber ?? 0) + 1}", e.Message);
        }
    }

    /// <summary>The experiment as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Checks every field; throws ArgumentException with the first problem.</summary>
    public void Validate()
    {
        foreach (string t in Tasks)
        {
            if (t is not ("partner-recall" or "decision")) throw new ArgumentException($"unknown task \"{t}\" (partner-recall, decision)");
        }

        foreach (string f in Families) _ = PartnerFamily.Parse(f);
        foreach (string m in Mixers)
        {
            if (!MixerKinds.TryParse(m, out _)) throw new ArgumentException($"unknown mixer \"{m}\" ({string.Join(", ", MixerKinds.All.Select(x => x.Name))})");
        }

        if (Sizes.Count == 0 || Sizes.Any(n => n is < 2 or > 4096)) throw new ArgumentException("sizes must be 2..4096");
        if (Widths.Count == 0 || Widths.Any(w => w < 1 || w % Heads != 0)) throw new ArgumentException($"widths must be positive multiples of heads = {Heads}");
        if (Seeds.Count == 0 || LearningRates.Count == 0 || LearningRates.Any(lr => !(lr > 0 && lr < 1))) throw new ArgumentException("seeds and learning rates (0 < lr < 1) must be non-empty");
        if (LogitScale is { } g && !(g > 0 && double.IsFinite(g))) throw new ArgumentException($"logit_scale {g} must be positive and finite (or null for none)");
        if (TokensPerStep is < 1) throw new ArgumentException($"tokens_per_step {TokensPerStep} must be positive (or null for batch sequences per step)");
        if (LrSearchSizes is { } search && (search.Count == 0 || search.Any(n => !Sizes.Contains(n)))) throw new ArgumentException($"lr_search_sizes {{{string.Join(", ", search)}}} must be a non-empty subset of sizes (or null for every size)");
        if (Jobs < 1) throw new ArgumentException($"jobs {Jobs} must be positive");
        if (Steps < 1 || Batch < 1 || Layers < 1 || Heads < 1 || Window < 1 || ValidationSequences < 1 || TestSequences < 1 || Threads < 1) throw new ArgumentException("steps, batch, layers, heads, window, sequences and threads must be positive");
    }

    /// <summary>Every run in sweep order: task, family, n, mixer, width, seed, lr (NaN where the lr is selected at a smaller n).</summary>
    public IEnumerable<ZooRunKey> Runs()
    {
        foreach (string task in Tasks)
        {
            foreach (string family in Families)
            {
                foreach (int n in Sizes.Order())
                {
                    foreach (string mixer in Mixers)
                    {
                        foreach (int width in Widths.Order())
                        {
                            foreach (int seed in Seeds)
                            {
                                if (!SearchesLrAt(n))
                                {
                                    // The lr is chosen when the search sizes have finished (ZooRunner resolves it).
                                    yield return new ZooRunKey(task, family, n, mixer, width, seed, double.NaN);
                                    continue;
                                }

                                foreach (double lr in LearningRates) yield return new ZooRunKey(task, family, n, mixer, width, seed, lr);
                            }
                        }
                    }
                }
            }
        }
    }
}
