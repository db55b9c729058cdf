using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Model;

namespace LstmSharp.Layers;

/// <summary>
/// A long short-term memory layer with PyTorch's <c>nn.LSTM</c> semantics and layout:
/// <code>
/// i = σ(W_ii x + b_ii + W_hi h + b_hi)      input gate
/// f = σ(W_if x + b_if + W_hf h + b_hf)      forget gate
/// g = tanh(W_ig x + b_ig + W_hg h + b_hg)   candidate ("gate")
/// o = σ(W_io x + b_io + W_ho h + b_ho)      output gate
/// c' = f ⊙ c + i ⊙ g
/// h' = o ⊙ tanh(c')
/// </code>
/// The backward pass is derived in docs/math.md.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class LstmCell<T> : RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Creates an LSTM layer and draws its parameters, as <c>nn.LSTM(inputSize, hiddenSize)</c> does:
    /// by default PyTorch's U(−1/√H, 1/√H) for every tensor, from <paramref name="seed"/> so that the same seed gives the same cell.
    /// </summary>
    /// <param name="inputSize">I: features per input step (PyTorch's <c>input_size</c>).</param>
    /// <param name="hiddenSize">H: the hidden size (PyTorch's <c>hidden_size</c>).</param>
    /// <param name="initialization">The scheme: PyTorch's default, or the article's N(0, 0.01²); see <see cref="RecurrentCell{T}.Initialize"/>.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="initialization"/> is not a defined scheme.</exception>
    public LstmCell(int inputSize, int hiddenSize, Initialization initialization = Initialization.PyTorchUniform, ulong seed = 0)
        : base(new CellLayout(CellType.Lstm, inputSize, hiddenSize))
    {
        Initialize(initialization, seed);
    }

    /// <summary>A layer with zero parameters (a model's, which draws them itself), or an inference view that reads <paramref name="sharedParameters"/> in place.</summary>
    internal LstmCell(int inputSize, int hiddenSize, T[]? sharedParameters)
        : base(new CellLayout(CellType.Lstm, inputSize, hiddenSize), sharedParameters)
    {
    }

    /// <summary>
    /// One forward step for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>) of every stream. On entry
    /// <paramref name="gates"/> holds the pre-activations x·W_ihᵀ + h·W_hhᵀ + b; on exit it holds i, f, g, o.
    /// </summary>
    /// <param name="gates">(B, 4H): pre-activations in, gate activations out (own units).</param>
    /// <param name="previousCell">(B, H): c_{t−1}.</param>
    /// <param name="cell">(B, H): receives c_t.</param>
    /// <param name="tanhCell">(B, H): receives tanh(c_t), kept for backward.</param>
    /// <param name="hidden">(B, H): receives h_t.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void ForwardStep(Span<T> gates, ReadOnlySpan<T> previousCell, Span<T> cell, Span<T> tanhCell, Span<T> hidden,
        int batchSize, int hiddenSize, int unitStart, int unitEnd)
    {
        int units = unitEnd - unitStart;
        for (int stream = 0; stream < batchSize; stream++)
        {
            Span<T> row = gates.Slice(stream * 4 * hiddenSize, 4 * hiddenSize);
            Span<T> input = row.Slice(unitStart, units), forget = row.Slice(hiddenSize + unitStart, units);
            Span<T> candidate = row.Slice(2 * hiddenSize + unitStart, units), output = row.Slice(3 * hiddenSize + unitStart, units);
            TensorPrimitives.Sigmoid(input, input);
            TensorPrimitives.Sigmoid(forget, forget);
            TensorPrimitives.Tanh(candidate, candidate);
            TensorPrimitives.Sigmoid(output, output);

            int offset = stream * hiddenSize + unitStart;
            Span<T> next = cell.Slice(offset, units), tanhNext = tanhCell.Slice(offset, units);
            TensorPrimitives.Multiply(forget, previousCell.Slice(offset, units), next);   // c = f ⊙ c_prev
            TensorPrimitives.MultiplyAdd(input, candidate, next, next);                   //   + i ⊙ g
            TensorPrimitives.Tanh(next, tanhNext);
            TensorPrimitives.Multiply(output, tanhNext, hidden.Slice(offset, units));    // h = o ⊙ tanh(c)
        }
    }

    /// <summary>
    /// The reverse of <see cref="ForwardStep"/> for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>): the
    /// gate gradients, added into <paramref name="dBias"/> as they are made. On entry <paramref name="dCell"/> holds
    /// dL/dc_t carried from step t + 1; on exit it holds dL/dc_{t−1}, carried back through the forget gate.
    /// </summary>
    /// <param name="gates">(B, 4H): i, f, g, o of the step.</param>
    /// <param name="previousCell">(B, H): c_{t−1}.</param>
    /// <param name="tanhCell">(B, H): tanh(c_t).</param>
    /// <param name="dHidden">(B, H): dL/dh_t in total.</param>
    /// <param name="dCell">(B, H): the carried dL/dc, updated in place.</param>
    /// <param name="dGates">(B, 4H): receives dL/d(pre-activation) (own units).</param>
    /// <param name="dBias">(4H): adds the step's dGates of every stream (own units).</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void BackwardStep(ReadOnlySpan<T> gates, ReadOnlySpan<T> previousCell, ReadOnlySpan<T> tanhCell, ReadOnlySpan<T> dHidden,
        Span<T> dCell, Span<T> dGates, Span<T> dBias, int batchSize, int hiddenSize, int unitStart, int unitEnd)
    {
        for (int stream = 0; stream < batchSize; stream++)
        {
            int rowOffset = stream * 4 * hiddenSize, offset = stream * hiddenSize;
            GateGradients(gates.Slice(rowOffset, 4 * hiddenSize), previousCell.Slice(offset, hiddenSize), tanhCell.Slice(offset, hiddenSize),
                dHidden.Slice(offset, hiddenSize), dCell.Slice(offset, hiddenSize), dGates.Slice(rowOffset, 4 * hiddenSize), dBias, hiddenSize,
                unitStart, unitEnd);
        }
    }

    /// <summary>dL/dc_t = carried part + dh_t ⊙ o_t ⊙ (1 − tanh²(c_t)), for observers only (the hot path fuses it into <see cref="GateGradients"/>).</summary>
    internal static void TotalCellGradient(ReadOnlySpan<T> gates, ReadOnlySpan<T> tanhCell, ReadOnlySpan<T> dHidden, ReadOnlySpan<T> dCellCarry,
        Span<T> total, int batchSize, int hiddenSize)
    {
        for (int stream = 0; stream < batchSize; stream++)
        {
            for (int unit = 0; unit < hiddenSize; unit++)
            {
                int index = stream * hiddenSize + unit;
                T tanhC = tanhCell[index];
                total[index] = dCellCarry[index] + dHidden[index] * gates[stream * 4 * hiddenSize + 3 * hiddenSize + unit] * (T.One - tanhC * tanhC);
            }
        }
    }

    /// <summary>One stream's gate gradients for units [unitStart, unitEnd), with the bias-gradient sums.</summary>
    private static void GateGradients(ReadOnlySpan<T> gates, ReadOnlySpan<T> previousCell, ReadOnlySpan<T> tanhCell,
        ReadOnlySpan<T> dHidden, Span<T> dCell, Span<T> dGates, Span<T> dBias, int hiddenSize, int unitStart, int unitEnd)
    {
        int unit = unitStart;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> one = Vector<T>.One;
            for (; unit <= unitEnd - Vector<T>.Count; unit += Vector<T>.Count)
            {
                var input = new Vector<T>(gates[unit..]);
                var forget = new Vector<T>(gates[(hiddenSize + unit)..]);
                var candidate = new Vector<T>(gates[(2 * hiddenSize + unit)..]);
                var output = new Vector<T>(gates[(3 * hiddenSize + unit)..]);
                var tanhC = new Vector<T>(tanhCell[unit..]);
                var dh = new Vector<T>(dHidden[unit..]);
                // dc_t gathers the carried part (through f_{t+1}) and the part through h_t = o ⊙ tanh(c_t).
                Vector<T> dc = new Vector<T>(dCell[unit..]) + dh * output * (one - tanhC * tanhC);
                Vector<T> dInput = dc * candidate * input * (one - input);
                Vector<T> dForget = dc * new Vector<T>(previousCell[unit..]) * forget * (one - forget);
                Vector<T> dCandidate = dc * input * (one - candidate * candidate);
                Vector<T> dOutput = dh * tanhC * output * (one - output);
                (dc * forget).CopyTo(dCell[unit..]);
                dInput.CopyTo(dGates[unit..]);
                dForget.CopyTo(dGates[(hiddenSize + unit)..]);
                dCandidate.CopyTo(dGates[(2 * hiddenSize + unit)..]);
                dOutput.CopyTo(dGates[(3 * hiddenSize + unit)..]);
                (new Vector<T>(dBias[unit..]) + dInput).CopyTo(dBias[unit..]);
                (new Vector<T>(dBias[(hiddenSize + unit)..]) + dForget).CopyTo(dBias[(hiddenSize + unit)..]);
                (new Vector<T>(dBias[(2 * hiddenSize + unit)..]) + dCandidate).CopyTo(dBias[(2 * hiddenSize + unit)..]);
                (new Vector<T>(dBias[(3 * hiddenSize + unit)..]) + dOutput).CopyTo(dBias[(3 * hiddenSize + unit)..]);
            }
        }

        for (; unit < unitEnd; unit++)
        {
            T input = gates[unit], forget = gates[hiddenSize + unit], candidate = gates[2 * hiddenSize + unit], output = gates[3 * hiddenSize + unit];
            T tanhC = tanhCell[unit], dh = dHidden[unit];
            T dc = dCell[unit] + dh * output * (T.One - tanhC * tanhC);
            dCell[unit] = dc * forget;
            dGates[unit] = dc * candidate * input * (T.One - input);
            dGates[hiddenSize + unit] = dc * previousCell[unit] * forget * (T.One - forget);
            dGates[2 * hiddenSize + unit] = dc * input * (T.One - candidate * candidate);
            dGates[3 * hiddenSize + unit] = dh * tanhC * output * (T.One - output);
            dBias[unit] += dGates[unit];
            dBias[hiddenSize + unit] += dGates[hiddenSize + unit];
            dBias[2 * hiddenSize + unit] += dGates[2 * hiddenSize + unit];
            dBias[3 * hiddenSize + unit] += dGates[3 * hiddenSize + unit];
        }
    }
}
