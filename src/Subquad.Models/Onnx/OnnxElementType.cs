namespace Subquad.Models.Onnx;

/// <summary>The float type an exported graph computes in.</summary>
public enum OnnxElementType
{
    /// <summary>tensor(double): answers identical to the float64 engine.</summary>
    Float64,

    /// <summary>tensor(float): ONNX Runtime's fast path (benchmarks).</summary>
    Float32,
}
