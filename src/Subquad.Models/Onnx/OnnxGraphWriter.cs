using System.Globalization;
using Subquad.Models.Onnx.Proto;

namespace Subquad.Models.Onnx;

/// <summary>
/// Accumulates nodes and initializers of one graph with fresh names, in one element type, so exporters read like
/// the formulas they implement (y = writer.Op("Mul", a, b)).
/// </summary>
internal sealed class OnnxGraphWriter(OnnxElementType elementType)
{
    private int _next;

    public List<NodeProto> Nodes { get; } = [];

    public List<TensorProto> Initializers { get; } = [];

    public OnnxElementType ElementType { get; } = elementType;

    public TensorProto.Types.DataType DataType => ElementType == OnnxElementType.Float64 ? TensorProto.Types.DataType.Double : TensorProto.Types.DataType.Float;

    public string Fresh(string hint) => $"{hint}_{_next++.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A float initializer of the graph's element type.</summary>
    public string Constant(string hint, long[] dims, ReadOnlySpan<double> values)
    {
        string name = Fresh(hint);
        if (ElementType == OnnxElementType.Float64)
        {
            Initializers.Add(OnnxBuilder.MakeTensor(name, dims, values));
        }
        else
        {
            var floats = new float[values.Length];
            for (int i = 0; i < floats.Length; i++) floats[i] = (float)values[i];
            Initializers.Add(OnnxBuilder.MakeTensor(name, dims, floats));
        }

        return name;
    }

    /// <summary>A scalar of the graph's element type.</summary>
    public string Scalar(double value, string hint = "c") => Constant(hint, [], [value]);

    /// <summary>An int64 initializer (shapes, axes, slice bounds).</summary>
    public string Int64s(string hint, params long[] values)
    {
        string name = Fresh(hint);
        Initializers.Add(OnnxBuilder.MakeTensor(name, [values.Length], values));
        return name;
    }

    /// <summary>Adds one node with a fresh output name and returns it.</summary>
    public string Op(string opType, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Fresh(opType.ToLowerInvariant());
        Nodes.Add(OnnxBuilder.MakeNode(opType, inputs, [output], output, attributes));
        return output;
    }

    public string Op(string opType, string input, params AttributeProto[] attributes) => Op(opType, [input], attributes);

    public string Add(string a, string b) => Op("Add", [a, b]);

    public string Sub(string a, string b) => Op("Sub", [a, b]);

    public string Mul(string a, string b) => Op("Mul", [a, b]);

    public string Div(string a, string b) => Op("Div", [a, b]);

    public string MatMul(string a, string b) => Op("MatMul", [a, b]);

    /// <summary>clamp(x, lo, hi) with Clip (opset 11+ takes bounds as inputs).</summary>
    public string Clip(string x, double lo, double hi) => Op("Clip", [x, Scalar(lo, "lo"), Scalar(hi, "hi")]);

    /// <summary>x[..., start:end] along <paramref name="axis"/>.</summary>
    public string Slice(string x, long start, long end, long axis) => Op("Slice", [x, Int64s("starts", start), Int64s("ends", end), Int64s("axes", axis)]);

    /// <summary>1 - x.</summary>
    public string OneMinus(string x) => Sub(Scalar(1, "one"), x);

    /// <summary>Renames a value to a graph output name with Identity.</summary>
    public void Output(string value, string name) => Nodes.Add(OnnxBuilder.MakeNode("Identity", [value], [name], name));
}
