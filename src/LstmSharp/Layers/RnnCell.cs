using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Model;

namespace LstmSharp.Layers;

/// <summary>
/// A vanilla (Elman) recurrent layer with PyTorch's <c>nn.RNN</c> semantics (tanh non-linearity) and layout:
/// <code>
/// h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
/// </code>
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class RnnCell<T> : RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Creates an RNN layer and draws its parameters, as <c>nn.RNN(inputSize, hiddenSize)</c> does:
    /// by default PyTorch's U(−1/√H, 1/√H) for every tensor, from <paramref name="seed"/> so that the same seed gives the same cell.
    /// </summary>
    /// <param name="inputSize">I: features per input step (PyTorch's <c>input_size</c>).</param>
    /// <param name="hiddenSize">H: the hidden size (PyTorch's <c>hidden_size</c>).</param>
    /// <param name="initialization">The scheme: PyTorch's default, or the article's N(0, 0.01²); see <see cref="RecurrentCell{T}.Initialize"/>.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="initialization"/> is not a defined scheme.</exception>
    public RnnCell(int inputSize, int hiddenSize, Initialization initialization = Initialization.PyTorchUniform, ulong seed = 0)
        : base(new CellLayout(CellType.Rnn, inputSize, hiddenSize))
    {
        Initialize(initialization, seed);
    }

    /// <summary>A layer with zero parameters (a model's, which draws them itself), or an inference view that reads <paramref name="sharedParameters"/> in place.</summary>
    internal RnnCell(int inputSize, int hiddenSize, T[]? sharedParameters)
        : base(new CellLayout(CellType.Rnn, inputSize, hiddenSize), sharedParameters)
    {
    }

    /// <summary>
    /// One forward step for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>) of every stream:
    /// h_t = tanh(a), with a = x·W_ihᵀ + h·W_hhᵀ + b in <paramref name="preActivation"/>, written straight into the hidden block.
    /// </summary>
    /// <param name="preActivation">(B, H): a.</param>
    /// <param name="hidden">(B, H): receives h_t.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void ForwardStep(ReadOnlySpan<T> preActivation, Span<T> hidden, int batchSize, int hiddenSize, int unitStart, int unitEnd)
    {
        int units = unitEnd - unitStart;
        for (int stream = 0; stream < batchSize; stream++)
        {
            int offset = stream * hiddenSize + unitStart;
            TensorPrimitives.Tanh(preActivation.Slice(offset, units), hidden.Slice(offset, units));
        }
    }

    /// <summary>The reverse of <see cref="ForwardStep"/>: dL/da = dh ⊙ (1 − h²), added into <paramref name="dBias"/> as it is made.</summary>
    /// <param name="hidden">(B, H): h_t.</param>
    /// <param name="dHidden">(B, H): dL/dh_t in total.</param>
    /// <param name="dGates">(B, H): receives dL/da (own units).</param>
    /// <param name="dBias">(H): adds dL/da (own units).</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void BackwardStep(ReadOnlySpan<T> hidden, ReadOnlySpan<T> dHidden, Span<T> dGates, Span<T> dBias, int batchSize, int hiddenSize,
        int unitStart, int unitEnd)
    {
        for (int stream = 0; stream < batchSize; stream++)
        {
            int offset = stream * hiddenSize;
            for (int unit = unitStart; unit < unitEnd; unit++)
            {
                T h = hidden[offset + unit];
                T dActivation = dHidden[offset + unit] * (T.One - h * h);
                dGates[offset + unit] = dActivation;
                dBias[unit] += dActivation;
            }
        }
    }
}
