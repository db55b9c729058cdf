using System.Numerics;

namespace LstmSharp.Model;

/// <summary>
/// One named tensor of a model as a view into its owner's flat parameter and gradient buffers, with its
/// PyTorch state-dict name (for example <c>rnn.weight_ih_l0</c> or <c>head.bias</c>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ModelTensor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal ModelTensor(string name, IReadOnlyList<int> shape, T[] parameterBuffer, T[] gradientBuffer, int offset)
    {
        Name = name;
        Shape = shape;
        ParameterBuffer = parameterBuffer;
        GradientBuffer = gradientBuffer;
        Offset = offset;
        Count = shape.Aggregate(1, (product, dimension) => product * dimension);
    }

    /// <summary>The PyTorch state-dict name.</summary>
    public string Name { get; }

    /// <summary>The shape, row-major.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The owner's flat parameter buffer.</summary>
    internal T[] ParameterBuffer { get; }

    /// <summary>The owner's flat gradient buffer, same layout (empty for an inference view).</summary>
    internal T[] GradientBuffer { get; }

    /// <summary>Where the tensor starts in both buffers.</summary>
    internal int Offset { get; }

    /// <summary>The number of elements.</summary>
    internal int Count { get; }

    /// <summary>The tensor's values: as many as the product of <see cref="Shape"/>.</summary>
    public Span<T> Values => ParameterBuffer.AsSpan(Offset, Count);

    /// <summary>The tensor's gradient.</summary>
    public Span<T> Gradient => GradientBuffer.AsSpan(Offset, Count);
}
