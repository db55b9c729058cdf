using System.Numerics;

namespace LstmSharp.Serialization;

/// <summary>
/// One named tensor of a safetensors file: a dtype, a row-major shape and the element bytes, little-endian.
/// Names follow PyTorch's state dict, for example <c>rnn.weight_ih_l0</c> (4H, I) or <c>head.bias</c> (V).
/// </summary>
/// <remarks>
/// Instances are immutable. A tensor read from a file is a view into the bytes the file was read into; a tensor
/// made by <see cref="Create{T}"/> owns a copy of the values it was given.
/// </remarks>
internal sealed class SafeTensor
{
    private readonly int[] _shape;

    internal SafeTensor(string name, SafeTensorDType dtype, int[] shape, int count, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Count = count;
        Data = data;
    }

    /// <summary>The name, PyTorch's state-dict key (for example <c>rnn.weight_hh_l1</c>).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>The shape, outermost dimension first (row-major); empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public int Count { get; }

    /// <summary>The raw element bytes, little-endian, <see cref="Count"/> × the dtype's size long.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Makes a tensor from values, copying them.</summary>
    /// <typeparam name="T"><see cref="float"/> (stored as F32), <see cref="double"/> (F64), <see cref="int"/> (I32) or <see cref="long"/> (I64).</typeparam>
    /// <param name="name">The name, for example <c>head.weight</c>. It must not be <c>__metadata__</c>.</param>
    /// <param name="shape">The shape, row-major; every dimension at least 0. Empty means a scalar of one element.</param>
    /// <param name="values">(product of shape): the elements, row-major.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is reserved, a dimension is negative, or the length of <paramref name="values"/> is not the product of <paramref name="shape"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four supported types.</exception>
    public static SafeTensor Create<T>(string name, ReadOnlySpan<int> shape, ReadOnlySpan<T> values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafeTensors.MetadataKey)
        {
            ThrowHelper.ThrowArgument($"'{SafeTensors.MetadataKey}' is reserved for the metadata and cannot name a tensor.", nameof(name));
        }

        SafeTensorDType dtype = DTypeInfo.Of<T>();
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                ThrowHelper.ThrowArgument($"Dimension {dimension} of tensor '{name}' is negative.", nameof(shape));
            }

            count = Math.Min(count * dimension, (long)int.MaxValue + 1);   // saturate: both factors are at most 2^31
        }

        if (count != values.Length)
        {
            ThrowHelper.ThrowArgument($"Tensor '{name}' has shape [{string.Join(", ", shape.ToArray())}] but {values.Length} values.", nameof(values));
        }

        byte[] data = new byte[checked(values.Length * DTypeInfo.Size(dtype))];
        LittleEndian.ToBytes(values, data);
        return new SafeTensor(name, dtype, shape.ToArray(), values.Length, data);
    }

    /// <summary>Copies the elements out in their stored type, without conversion.</summary>
    /// <typeparam name="T">The CLR type of <see cref="DType"/>: float for F32, double for F64, int for I32, long for I64.</typeparam>
    /// <returns>(Count): the elements, row-major.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the type of <see cref="DType"/>; see <see cref="ConvertToArray{T}"/> to convert between F32 and F64.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the four supported types.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        SafeTensorDType requested = DTypeInfo.Of<T>();
        if (requested != DType)
        {
            throw new InvalidOperationException(
                $"Tensor '{Name}' is {DTypeInfo.Name(DType)}, not {DTypeInfo.Name(requested)}; use ConvertToArray to convert F32 and F64 explicitly.");
        }

        var result = new T[Count];
        LittleEndian.FromBytes(Data.Span, result.AsSpan());
        return result;
    }

    /// <summary>Copies a floating-point tensor out as <typeparamref name="T"/>, converting F32 to F64 or F64 to F32 (rounding to nearest) when they differ.</summary>
    /// <typeparam name="T">The element type wanted, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>(Count): the elements, row-major.</returns>
    /// <exception cref="InvalidOperationException"><see cref="DType"/> is an integer type.</exception>
    public T[] ConvertToArray<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[Count];
        ConvertTo<T>(result);
        return result;
    }

    /// <summary>
    /// Copies a floating-point tensor into <paramref name="destination"/> as <typeparamref name="T"/>, converting F32 and F64
    /// when they differ; effectively computes <c>destination[i] = T(element[i])</c>. Use it to load a
    /// <see cref="Model.ModelTensor{T}.Values"/> span without an intermediate array of the target type.
    /// </summary>
    /// <typeparam name="T">The element type wanted, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="destination">(Count): receives the elements, row-major.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not exactly <see cref="Count"/> long.</exception>
    /// <exception cref="InvalidOperationException"><see cref="DType"/> is an integer type.</exception>
    public void ConvertTo<T>(Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowHelper.CheckLength(destination.Length, Count, nameof(destination));
        if (DType is SafeTensorDType.I32 or SafeTensorDType.I64)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is {DTypeInfo.Name(DType)}, an integer type; read it with ToArray<int> or ToArray<long>.");
        }

        if ((DType == SafeTensorDType.F32 && typeof(T) == typeof(float)) || (DType == SafeTensorDType.F64 && typeof(T) == typeof(double)))
        {
            LittleEndian.FromBytes(Data.Span, destination);
        }
        else if (DType == SafeTensorDType.F32)
        {
            float[] source = ToArray<float>();
            for (int index = 0; index < source.Length; index++)
            {
                destination[index] = T.CreateTruncating(source[index]);
            }
        }
        else
        {
            double[] source = ToArray<double>();
            for (int index = 0; index < source.Length; index++)
            {
                destination[index] = T.CreateTruncating(source[index]);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DTypeInfo.Name(DType)} [{string.Join(", ", _shape)}]";
}
