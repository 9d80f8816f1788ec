namespace Subquad.Lab.Transformers;

/// <summary>Which engine evaluates a constructed transformer.</summary>
public enum TransformerRuntime
{
    /// <summary>Subquad's own streaming-softmax attention engine (float64).</summary>
    Own,

    /// <summary>The exported ONNX graph, run by ONNX Runtime (float64).</summary>
    Onnx,
}
