using Google.Protobuf;
using LstmSharp.Interop.Onnx;
using LstmSharp.Serialization;

namespace LstmSharp.Interop;

/// <summary>Builds a <see cref="GraphProto"/> node by node: inputs, outputs, initializers stored as little-endian raw data.</summary>
internal sealed class OnnxGraphBuilder(string name)
{
    private int _nodeCount;

    public GraphProto Graph { get; } = new() { Name = name };

    public static OnnxDimension Symbol(string symbol) => new(0, symbol);

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public void AddInput(string name, TensorProto.Types.DataType elementType, ReadOnlySpan<OnnxDimension> shape) =>
        Graph.Input.Add(ValueInfo(name, elementType, shape));

    public void AddOutput(string name, TensorProto.Types.DataType elementType, ReadOnlySpan<OnnxDimension> shape) =>
        Graph.Output.Add(ValueInfo(name, elementType, shape));

    public void AddInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Float, values);

    public void AddInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Int64, values);

    public void AddNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params ReadOnlySpan<AttributeProto> attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodeCount++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (AttributeProto attribute in attributes)
        {
            node.Attribute.Add(attribute);
        }

        Graph.Node.Add(node);
    }

    /// <summary>Stores the values in <c>raw_data</c>: fixed-width little-endian, as the ONNX IR requires of it.</summary>
    private void AddInitializer<T>(string name, ReadOnlySpan<long> dims, TensorProto.Types.DataType dataType, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = new byte[values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        LittleEndian.ToBytes(values, bytes);
        var tensor = new TensorProto { Name = name, DataType = (int)dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims.ToArray());
        Graph.Initializer.Add(tensor);
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, ReadOnlySpan<OnnxDimension> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (OnnxDimension dimension in shape)
        {
            tensorShape.Dim.Add(dimension.Symbol is null
                ? new TensorShapeProto.Types.Dimension { DimValue = dimension.Value }
                : new TensorShapeProto.Types.Dimension { DimParam = dimension.Symbol });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape } },
        };
    }
}
