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

    /// <summary>Sequences per step.</summary>
    public int Batch { get; init; } = 32;

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
    /// The full grid (n = 16..512, 5 mixers, widths 16..128, 3 seeds, 3 learning rates, 2,000 steps: 1,080
    /// runs). Far beyond 3 hours on 2 cores (attention alone at n = 512 costs hours per run at this library's
    /// throughput), so it is `--full`, not the default.
    /// </summary>
    public static ZooExperiment Full => new();

    /// <summary>
    /// The default sweep, reduced to fit about 3 hours on 2 idle cores (docs/learn.md gives the estimate and its basis):
    /// n = 16, 32, 64; all five mixers; widths 16, 32, 64; one seed; lr 3e-3; 1,000 steps (45 runs).
    /// </summary>
    public static ZooExperiment Default => new()
    {
        Sizes = [16, 32, 64],
        Widths = [16, 32, 64],
        Seeds = [1],
        LearningRates = [3e-3],
        Steps = 1000,
    };

    /// <summary>The reduced sweep of <c>--quick</c>: attention and Mamba on OV partner recall at two sizes.</summary>
    public static ZooExperiment Quick => new()
    {
        Sizes = [16, 32],
        Mixers = ["attention", "mamba"],
        Widths = [32, 64],
        Seeds = [1],
        LearningRates = [3e-3],
        Steps = 1000,
        ValidationSequences = 100,
        TestSequences = 1000,
    };

    /// <summary>Parses DIR/experiment.json or a user file; errors name the file.</summary>
    public static ZooExperiment FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ZooExperiment>(json, JsonOptions) ?? throw new ArgumentException($"{source}: empty experiment");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{source}: line {(e.LineNumber ?? 0) + 1}: {e.Message}");
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
        if (Steps < 1 || Batch < 1 || Layers < 1 || Heads < 1 || Window < 1 || ValidationSequences < 1 || TestSequences < 1 || Threads < 1) throw new ArgumentException("steps, batch, layers, heads, window, sequences and threads must be positive");
    }

    /// <summary>Every run in sweep order: task, family, n, mixer, width, seed, lr.</summary>
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
                                foreach (double lr in LearningRates) yield return new ZooRunKey(task, family, n, mixer, width, seed, lr);
                            }
                        }
                    }
                }
            }
        }
    }
}
