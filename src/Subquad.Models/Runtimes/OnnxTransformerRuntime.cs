using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;
using Subquad.Models.Precision;

namespace Subquad.Models.Runtimes;

/// <summary>
/// ONNX Runtime on the exported graph of each construction (phi1, attention and phi2 all inside the graph), in
/// float64 or float32; one session per construction, disposed after the pass.
/// </summary>
public sealed class OnnxTransformerRuntime : ITransformerRuntime
{
    /// <summary>Float64 graphs.</summary>
    public static OnnxTransformerRuntime Float64 { get; } = new(FloatFormat.Float64);

    /// <summary>A runtime computing in <paramref name="precision"/>.</summary>
    /// <exception cref="NotSupportedException">f16 or bf16: those exist only as our engine's emulation.</exception>
    public OnnxTransformerRuntime(FloatFormat precision)
    {
        Element = precision switch
        {
            FloatFormat.Float64 => OnnxElementType.Float64,
            FloatFormat.Float32 => OnnxElementType.Float32,
            _ => throw new NotSupportedException("ONNX Runtime runs f64 or f32; f16/bf16 are emulated by our own runtime"),
        };
        Precision = precision;
    }

    /// <summary>The graph's element type.</summary>
    public OnnxElementType Element { get; }

    /// <inheritdoc/>
    public string Name => "onnx";

    /// <inheritdoc/>
    public FloatFormat Precision { get; }

    /// <inheritdoc/>
    public Matrix Attention(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken = default) =>
        Run(construction, instance, cancellationToken).Attention;

    /// <inheritdoc/>
    /// <remarks>phi2 as the graph computes it (its own output "tf"), not re-read from the attention in float64.</remarks>
    public double Phi2(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken = default) =>
        Run(construction, instance, cancellationToken).Tf;

    private (double Tf, Matrix Attention) Run(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(construction);
        cancellationToken.ThrowIfCancellationRequested();
        using var runner = new OnnxTransformerRunner(construction, Element);
        return runner.Run(construction.EncodeRaw(instance));
    }
}
