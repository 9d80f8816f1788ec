using Microsoft.ML.OnnxRuntime;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Models.Onnx;

/// <summary>
/// Runs an exported construction in ONNX Runtime (CPU): one session per model, reusable across inputs of any allowed
/// row count. Disposable (the session holds native memory).
/// </summary>
public sealed class OnnxTransformerRunner : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Exports <paramref name="construction"/> and opens a session on it.</summary>
    public OnnxTransformerRunner(SentinelConstruction construction, OnnxElementType elementType = OnnxElementType.Float64, int? intraOpThreads = null)
        : this(OnnxBuilder.ToBytes(ConstructionExporter.Export(construction, elementType)), elementType, intraOpThreads)
    {
    }

    /// <summary>Opens a session on model bytes produced by <see cref="ConstructionExporter"/>.</summary>
    public OnnxTransformerRunner(byte[] model, OnnxElementType elementType, int? intraOpThreads = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ElementType = elementType;
        // Errors only: ONNX Runtime's graph-optimiser notes (an unused initializer removed) are not the user's concern.
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (intraOpThreads is { } threads) options.IntraOpNumThreads = threads;

        // Every optimisation level stays on except NoopElimination, the one pass that changes float64 results: it
        // removes Mul/Div by "1" and Add/Sub of "0" after comparing the constant with a float tolerance, so a float64
        // factor 1 + 5e-8 was dropped (a wrong "yes" at lambda = 8e7, issue 13). The exporter also keeps such constants
        // out of scalar operands; OnnxExactnessTests pins both against ORT_DISABLE_ALL.
        options.AddSessionConfigEntry("optimization.disable_specified_optimizers", DisabledOptimizers);
        _session = new InferenceSession(model, options);
    }

    /// <summary>ONNX Runtime graph transformers this runner turns off (see the constructor).</summary>
    public const string DisabledOptimizers = "NoopElimination";

    /// <summary>The element type the model computes in.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Runs the model on raw rows E (documents then sentinel): phi2's value and the attention output.</summary>
    public (double Tf, Matrix Attention) Run(Matrix raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        long[] shape = [raw.Rows, raw.Columns];
        using var input = ElementType == OnnxElementType.Float64
            ? OrtValue.CreateTensorValueFromMemory(raw.Data, shape)
            : OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(raw.Data, v => (float)v), shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, ["E"], [input], ["tf", "attention"]);
        var attentionShape = outputs[1].GetTensorTypeAndShape().Shape;
        var attention = new Matrix((int)attentionShape[0], (int)attentionShape[1]);
        double tf;
        if (ElementType == OnnxElementType.Float64)
        {
            tf = outputs[0].GetTensorDataAsSpan<double>()[0];
            outputs[1].GetTensorDataAsSpan<double>().CopyTo(attention.Data);
        }
        else
        {
            tf = outputs[0].GetTensorDataAsSpan<float>()[0];
            var data = outputs[1].GetTensorDataAsSpan<float>();
            for (int i = 0; i < data.Length; i++) attention.Data[i] = data[i];
        }

        return (tf, attention);
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
