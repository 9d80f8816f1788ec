namespace Subquad.Models.Onnx;

/// <summary>
/// The one place the ONNX IR version and opset are pinned. IR 8 / opset 17 is what Debian's python3-onnx 1.12
/// checker (the test's validator) knows, and ONNX Runtime 1.31 runs it. Opset 17 fixes the operator forms used:
/// ReduceSum takes axes as an input (opset 13+), ReduceProd / ReduceMax take axes as an attribute (until 18),
/// Softmax works on one axis (13+), Clip takes min/max inputs (11+).
/// </summary>
public static class OnnxVersions
{
    /// <summary>ModelProto.ir_version.</summary>
    public const long IrVersion = 8;

    /// <summary>Opset of the default domain "".</summary>
    public const long Opset = 17;

    /// <summary>producer_name written into every model.</summary>
    public const string Producer = "subquad";
}
