using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Model;

namespace LstmSharp.Layers;

/// <summary>
/// A gated recurrent unit layer with PyTorch's <c>nn.GRU</c> semantics and layout:
/// <code>
/// r = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate
/// z = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate
/// h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class GruCell<T> : RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Creates a GRU layer and draws its parameters, as <c>nn.GRU(inputSize, hiddenSize)</c> does:
    /// by default PyTorch's U(−1/√H, 1/√H) for every tensor, from <paramref name="seed"/> so that the same seed gives the same cell.
    /// </summary>
    /// <param name="inputSize">I: features per input step (PyTorch's <c>input_size</c>).</param>
    /// <param name="hiddenSize">H: the hidden size (PyTorch's <c>hidden_size</c>).</param>
    /// <param name="initialization">The scheme: PyTorch's default, or the article's N(0, 0.01²); see <see cref="RecurrentCell{T}.Initialize"/>.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="initialization"/> is not a defined scheme.</exception>
    public GruCell(int inputSize, int hiddenSize, Initialization initialization = Initialization.PyTorchUniform, ulong seed = 0)
        : base(new CellLayout(CellType.Gru, inputSize, hiddenSize))
    {
        Initialize(initialization, seed);
    }

    /// <summary>A layer with zero parameters (a model's, which draws them itself), or an inference view that reads <paramref name="sharedParameters"/> in place.</summary>
    internal GruCell(int inputSize, int hiddenSize, T[]? sharedParameters)
        : base(new CellLayout(CellType.Gru, inputSize, hiddenSize), sharedParameters)
    {
    }

    /// <summary>
    /// One forward step for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>) of every stream. On entry
    /// <paramref name="gates"/> holds x·W_ihᵀ + b_ih and <paramref name="hiddenGates"/> holds h·W_hhᵀ + b_hh; on exit
    /// <paramref name="gates"/> holds r, z, n.
    /// </summary>
    /// <param name="gates">(B, 3H): the input part in, r, z, n out (own units).</param>
    /// <param name="hiddenGates">(B, 3H): the recurrent part, kept for backward (its n block is multiplied by r).</param>
    /// <param name="previous">(B, H): h_{t−1}.</param>
    /// <param name="hidden">(B, H): receives h_t.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void ForwardStep(Span<T> gates, ReadOnlySpan<T> hiddenGates, ReadOnlySpan<T> previous, Span<T> hidden,
        int batchSize, int hiddenSize, int unitStart, int unitEnd)
    {
        int units = unitEnd - unitStart, gateSize = 3 * hiddenSize;
        for (int stream = 0; stream < batchSize; stream++)
        {
            Span<T> row = gates.Slice(stream * gateSize, gateSize);
            ReadOnlySpan<T> hiddenRow = hiddenGates.Slice(stream * gateSize, gateSize);
            Span<T> reset = row.Slice(unitStart, units), update = row.Slice(hiddenSize + unitStart, units);
            Span<T> candidate = row.Slice(2 * hiddenSize + unitStart, units);
            TensorPrimitives.Add(reset, hiddenRow.Slice(unitStart, units), reset);
            TensorPrimitives.Sigmoid(reset, reset);
            TensorPrimitives.Add(update, hiddenRow.Slice(hiddenSize + unitStart, units), update);
            TensorPrimitives.Sigmoid(update, update);

            int offset = stream * hiddenSize + unitStart;
            Span<T> next = hidden.Slice(offset, units);
            TensorPrimitives.MultiplyAdd(reset, hiddenRow.Slice(2 * hiddenSize + unitStart, units), candidate, candidate);   // n = tanh(x_n + r ⊙ h_n)
            TensorPrimitives.Tanh(candidate, candidate);
            TensorPrimitives.Subtract(previous.Slice(offset, units), candidate, next);   // h' = n + z ⊙ (h − n)
            TensorPrimitives.MultiplyAdd(update, next, candidate, next);
        }
    }

    /// <summary>
    /// The reverse of <see cref="ForwardStep"/> for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>): the
    /// gradients of the input part and of the recurrent part, added into their bias gradients as they are made. The
    /// carry dh_{t−1} = dHiddenGates·W_hh + dh ⊙ z follows once every unit's gradients exist (<see cref="CarryThroughUpdate"/>).
    /// </summary>
    /// <param name="gates">(B, 3H): r, z, n of the step.</param>
    /// <param name="hiddenGates">(B, 3H): h_{t−1}·W_hhᵀ + b_hh of the step.</param>
    /// <param name="previous">(B, H): h_{t−1}.</param>
    /// <param name="dHidden">(B, H): dL/dh_t in total.</param>
    /// <param name="dGates">(B, 3H): receives dL/d(x·W_ihᵀ + b_ih).</param>
    /// <param name="dHiddenGates">(B, 3H): receives dL/d(h·W_hhᵀ + b_hh).</param>
    /// <param name="dBias">(3H): adds dGates (own units).</param>
    /// <param name="dHiddenBias">(3H): adds dHiddenGates (own units).</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void BackwardStep(ReadOnlySpan<T> gates, ReadOnlySpan<T> hiddenGates, ReadOnlySpan<T> previous, ReadOnlySpan<T> dHidden,
        Span<T> dGates, Span<T> dHiddenGates, Span<T> dBias, Span<T> dHiddenBias, int batchSize, int hiddenSize, int unitStart, int unitEnd)
    {
        int gateSize = 3 * hiddenSize;
        for (int stream = 0; stream < batchSize; stream++)
        {
            int rowOffset = stream * gateSize, offset = stream * hiddenSize;
            for (int unit = unitStart; unit < unitEnd; unit++)
            {
                T reset = gates[rowOffset + unit], update = gates[rowOffset + hiddenSize + unit], candidate = gates[rowOffset + 2 * hiddenSize + unit];
                T dh = dHidden[offset + unit];
                T dCandidate = dh * (T.One - update) * (T.One - candidate * candidate);
                T dReset = dCandidate * hiddenGates[rowOffset + 2 * hiddenSize + unit] * reset * (T.One - reset);
                T dUpdate = dh * (previous[offset + unit] - candidate) * update * (T.One - update);
                T dHiddenCandidate = dCandidate * reset;
                dGates[rowOffset + unit] = dReset;
                dGates[rowOffset + hiddenSize + unit] = dUpdate;
                dGates[rowOffset + 2 * hiddenSize + unit] = dCandidate;
                dHiddenGates[rowOffset + unit] = dReset;
                dHiddenGates[rowOffset + hiddenSize + unit] = dUpdate;
                dHiddenGates[rowOffset + 2 * hiddenSize + unit] = dHiddenCandidate;
                dBias[unit] += dReset;
                dBias[hiddenSize + unit] += dUpdate;
                dBias[2 * hiddenSize + unit] += dCandidate;
                dHiddenBias[unit] += dReset;
                dHiddenBias[hiddenSize + unit] += dUpdate;
                dHiddenBias[2 * hiddenSize + unit] += dHiddenCandidate;
            }
        }
    }

    /// <summary>h_t also depends on h_{t−1} directly through z ⊙ h_{t−1}: <c>carry[b, u] += dh[b, u] · z[b, u]</c> for own units.</summary>
    /// <param name="gates">(B, 3H): r, z, n of the step.</param>
    /// <param name="dHidden">(B, H): dL/dh_t in total.</param>
    /// <param name="carry">(B, H): dL/dh_{t−1}, holding dHiddenGates·W_hh on entry.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    internal static void CarryThroughUpdate(ReadOnlySpan<T> gates, ReadOnlySpan<T> dHidden, Span<T> carry, int batchSize, int hiddenSize,
        int unitStart, int unitEnd)
    {
        int units = unitEnd - unitStart;
        for (int stream = 0; stream < batchSize; stream++)
        {
            int offset = stream * hiddenSize + unitStart;
            Span<T> target = carry.Slice(offset, units);
            TensorPrimitives.MultiplyAdd(dHidden.Slice(offset, units), gates.Slice(stream * 3 * hiddenSize + hiddenSize + unitStart, units), target, target);
        }
    }
}
