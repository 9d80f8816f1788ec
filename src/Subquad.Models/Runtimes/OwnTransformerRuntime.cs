using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Precision;

namespace Subquad.Models.Runtimes;

/// <summary>
/// Our runtime: phi1 in float64, then an attention mixer (the streaming <see cref="AttentionEngine"/> in float64 or
/// float32, <see cref="EmulatedAttention"/> for f16/bf16, or a GPU mixer), then phi2 in float64.
/// </summary>
public sealed class OwnTransformerRuntime : ITransformerRuntime
{
    /// <summary>The attention engine in float64.</summary>
    public static OwnTransformerRuntime Default { get; } = new(AttentionEngine.Default);

    /// <summary>A runtime on <paramref name="mixer"/>; its precision is read off the mixer (<see cref="PairSearch.PrecisionOf"/>).</summary>
    public OwnTransformerRuntime(IAttentionMixer mixer)
    {
        ArgumentNullException.ThrowIfNull(mixer);
        Mixer = mixer;
        Precision = PairSearch.PrecisionOf(mixer);
    }

    /// <summary>The mixer for a precision: the engine for f64 and f32, the emulation for f16 and bf16.</summary>
    public static OwnTransformerRuntime For(FloatFormat precision) => precision switch
    {
        FloatFormat.Float64 => Default,
        FloatFormat.Float32 => new(new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32 })),
        _ => new(new EmulatedAttention(precision)),
    };

    /// <summary>The attention unit that runs.</summary>
    public IAttentionMixer Mixer { get; }

    /// <inheritdoc/>
    public string Name => "own";

    /// <inheritdoc/>
    public FloatFormat Precision { get; }

    /// <inheritdoc/>
    public Matrix Attention(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(construction);
        var input = construction.Build(instance);
        return Mixer.Forward(input.X, input.Weights, cancellationToken);
    }

    /// <inheritdoc/>
    public double Phi2(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken = default) =>
        construction.Phi2(Attention(construction, instance, cancellationToken));
}
