using Google.Protobuf;
using Subquad.Models.Onnx.Proto;

namespace Subquad.Models.Onnx;

/// <summary>
/// A C# mirror of the onnx.helper functions (make_node, make_graph, make_tensor_value_info, make_tensor, make_model)
/// over the Google.Protobuf classes generated from the pinned onnx.proto. No protobuf bytes are written by hand.
/// </summary>
public static class OnnxBuilder
{
    /// <summary>onnx.helper.make_node: one operator with named inputs and outputs and optional attributes.</summary>
    public static NodeProto MakeNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string? name = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name ?? outputs.First() };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>onnx.helper.make_attribute for an integer.</summary>
    public static AttributeProto MakeAttribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>onnx.helper.make_attribute for a list of integers.</summary>
    public static AttributeProto MakeAttribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>onnx.helper.make_attribute for a float.</summary>
    public static AttributeProto MakeAttribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>
    /// onnx.helper.make_tensor_value_info: a typed tensor with a shape whose entries are fixed sizes (int/long) or
    /// symbolic names (string, a dynamic dimension).
    /// </summary>
    public static ValueInfoProto MakeTensorValueInfo(string name, TensorProto.Types.DataType elementType, params object[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            tensorShape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"shape entry {dim} is neither a size nor a symbol", nameof(shape)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape } },
        };
    }

    /// <summary>onnx.helper.make_tensor for float64 values (stored in double_data).</summary>
    public static TensorProto MakeTensor(string name, long[] dims, ReadOnlySpan<double> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Double };
        tensor.Dims.AddRange(dims);
        foreach (double v in values) tensor.DoubleData.Add(v);
        return tensor;
    }

    /// <summary>onnx.helper.make_tensor for float32 values (stored in float_data).</summary>
    public static TensorProto MakeTensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        foreach (float v in values) tensor.FloatData.Add(v);
        return tensor;
    }

    /// <summary>onnx.helper.make_tensor for int64 values (stored in int64_data).</summary>
    public static TensorProto MakeTensor(string name, long[] dims, ReadOnlySpan<long> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        foreach (long v in values) tensor.Int64Data.Add(v);
        return tensor;
    }

    /// <summary>onnx.helper.make_graph.</summary>
    public static GraphProto MakeGraph(IEnumerable<NodeProto> nodes, string name, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, IEnumerable<TensorProto>? initializers = null, string? docString = null)
    {
        var graph = new GraphProto { Name = name };
        if (docString is not null) graph.DocString = docString;
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        if (initializers is not null) graph.Initializer.AddRange(initializers);
        return graph;
    }

    /// <summary>onnx.helper.make_model with the pinned IR version and opset (<see cref="OnnxVersions"/>).</summary>
    public static ModelProto MakeModel(GraphProto graph, string? docString = null)
    {
        var model = new ModelProto
        {
            IrVersion = OnnxVersions.IrVersion,
            ProducerName = OnnxVersions.Producer,
            Graph = graph,
        };
        if (docString is not null) model.DocString = docString;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxVersions.Opset });
        return model;
    }

    /// <summary>The model's wire bytes (Google.Protobuf serialisation).</summary>
    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();
}
