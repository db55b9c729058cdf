using System.Numerics;
using LstmSharp.Kernels;

namespace LstmSharp.Layers;

/// <summary>
/// The projection head, PyTorch's <c>nn.Linear</c>: <c>y = x·Wᵀ + b</c> with W (out, in) and b (out).
/// Parameters live in one flat buffer (weight then bias); gradients in the same layout.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Linear<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a projection with zero parameters.</summary>
    /// <param name="inputSize">Features in (PyTorch's <c>in_features</c>).</param>
    /// <param name="outputSize">Features out (PyTorch's <c>out_features</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Linear(int inputSize, int outputSize)
        : this(inputSize, outputSize, null)
    {
    }

    /// <summary>A projection over <paramref name="sharedParameters"/>, read in place (an inference view) when given.</summary>
    internal Linear(int inputSize, int outputSize, T[]? sharedParameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        InputSize = inputSize;
        OutputSize = outputSize;
        Parameters = sharedParameters ?? new T[outputSize * inputSize + outputSize];
        Gradients = sharedParameters is null ? new T[Parameters.Length] : [];
    }

    /// <summary>Features in.</summary>
    public int InputSize { get; }

    /// <summary>Features out.</summary>
    public int OutputSize { get; }

    /// <summary>weight (out, in) followed by bias (out).</summary>
    public T[] Parameters { get; }

    /// <summary>Gradients in the layout of <see cref="Parameters"/>.</summary>
    public T[] Gradients { get; }

    /// <summary><c>weight</c>, shape (out, in).</summary>
    public Span<T> Weight => Parameters.AsSpan(0, OutputSize * InputSize);

    /// <summary><c>bias</c>, shape (out).</summary>
    public Span<T> Bias => Parameters.AsSpan(OutputSize * InputSize, OutputSize);

    /// <summary>The named tensors, <c>weight</c> and <c>bias</c>, with offsets and shapes.</summary>
    public IReadOnlyList<TensorSpec> Tensors =>
    [
        new("weight", 0, [OutputSize, InputSize]),
        new("bias", OutputSize * InputSize, [OutputSize]),
    ];

    /// <summary>Effectively computes <c>output[r, j] = Σ_k input[r, k] · weight[j, k] + bias[j]</c>.</summary>
    /// <param name="input">(rows, in).</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="output">(rows, out): overwritten.</param>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    public void Forward(ReadOnlySpan<T> input, int rows, Span<T> output)
    {
        ThrowHelper.CheckLength(input.Length, rows * InputSize, nameof(input));
        ThrowHelper.CheckLength(output.Length, rows * OutputSize, nameof(output));
        for (int row = 0; row < rows; row++)
        {
            Bias.CopyTo(output.Slice(row * OutputSize, OutputSize));
        }

        Gemm.MultiplyTransposedBAdd<T>(input, Weight, rows, InputSize, OutputSize, output);
    }

    /// <summary>The reverse of <see cref="Forward"/>: adds into <see cref="Gradients"/> and overwrites <paramref name="dInput"/>.</summary>
    /// <param name="input">(rows, in): the input the forward pass saw.</param>
    /// <param name="dOutput">(rows, out): dL/dy.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="dInput">(rows, in): receives dL/dx.</param>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> dOutput, int rows, Span<T> dInput)
    {
        ThrowHelper.CheckLength(input.Length, rows * InputSize, nameof(input));
        ThrowHelper.CheckLength(dOutput.Length, rows * OutputSize, nameof(dOutput));
        ThrowHelper.CheckLength(dInput.Length, rows * InputSize, nameof(dInput));
        Span<T> dWeight = Gradients.AsSpan(0, OutputSize * InputSize);
        Span<T> dBias = Gradients.AsSpan(OutputSize * InputSize, OutputSize);
        Gemm.MultiplyTransposedAAdd(dOutput, input, OutputSize, rows, InputSize, dWeight);
        for (int row = 0; row < rows; row++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(dBias, dOutput.Slice(row * OutputSize, OutputSize), dBias);
        }

        dInput.Clear();
        Gemm.MultiplyAdd<T>(dOutput, Weight, rows, OutputSize, InputSize, dInput);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(Gradients);
}
