using System.Numerics;

namespace LstmSharp.Model;

/// <summary>
/// One named tensor of a model as a view into its owner's flat parameter and gradient buffers, with its
/// PyTorch state-dict name (for example <c>rnn.weight_ih_l0</c> or <c>head.bias</c>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Name">The PyTorch state-dict name.</param>
/// <param name="Shape">The shape, row-major.</param>
/// <param name="ParameterBuffer">The owner's flat parameter buffer.</param>
/// <param name="GradientBuffer">The owner's flat gradient buffer, same layout.</param>
/// <param name="Offset">Where the tensor starts in both buffers.</param>
public sealed record ModelTensor<T>(string Name, IReadOnlyList<int> Shape, T[] ParameterBuffer, T[] GradientBuffer, int Offset)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of elements.</summary>
    public int Count => Shape.Aggregate(1, (product, dimension) => product * dimension);

    /// <summary>The tensor's values.</summary>
    public Span<T> Values => ParameterBuffer.AsSpan(Offset, Count);

    /// <summary>The tensor's gradient.</summary>
    public Span<T> Gradient => GradientBuffer.AsSpan(Offset, Count);
}
