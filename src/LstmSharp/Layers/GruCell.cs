using System.Numerics;
using System.Numerics.Tensors;

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
    private T[] _hiddenGates = [];   // (T, B, 3H): h_{t-1}·W_hhᵀ + b_hh; the n block is needed again in backward

    /// <summary>Creates a GRU layer with zero parameters.</summary>
    /// <param name="inputSize">I: features per input step.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public GruCell(int inputSize, int hiddenSize)
        : base(new CellLayout(CellType.Gru, inputSize, hiddenSize))
    {
    }

    /// <summary>An inference view that reads <paramref name="sharedParameters"/> in place.</summary>
    internal GruCell(int inputSize, int hiddenSize, T[] sharedParameters)
        : base(new CellLayout(CellType.Gru, inputSize, hiddenSize), sharedParameters)
    {
    }

    private protected override bool FoldsHiddenBias => false;

    private protected override void ResizeCellWorkspace(int rows, int batchSize)
    {
        _hiddenGates = new T[rows * Layout.GateSize];
        HiddenGatesGradient = new T[rows * Layout.GateSize];
    }

    private protected override void ForwardSteps(CellState<T>? initial)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize;
        for (int step = 0; step < SequenceLength; step++)
        {
            Span<T> gates = StepGates(Gates, step);               // (B, 3H): x·W_ihᵀ + b_ih, becomes r, z, n
            Span<T> hiddenGates = StepGates(_hiddenGates, step);  // (B, 3H)
            for (int stream = 0; stream < batchSize; stream++)
            {
                BiasHh.CopyTo(hiddenGates.Slice(stream * gateSize, gateSize));
            }

            AddRecurrentProjection(step, hiddenGates);

            ReadOnlySpan<T> previous = PreviousHidden(step);
            Span<T> hidden = NextHidden(step);
            for (int stream = 0; stream < batchSize; stream++)
            {
                Span<T> row = gates.Slice(stream * gateSize, gateSize);
                ReadOnlySpan<T> hiddenRow = hiddenGates.Slice(stream * gateSize, gateSize);
                Span<T> resetAndUpdate = row[..(2 * hiddenSize)];
                TensorPrimitives.Add(resetAndUpdate, hiddenRow[..(2 * hiddenSize)], resetAndUpdate);
                TensorPrimitives.Sigmoid(resetAndUpdate, resetAndUpdate);

                int offset = stream * hiddenSize;
                ReadOnlySpan<T> reset = row[..hiddenSize], update = row.Slice(hiddenSize, hiddenSize);
                Span<T> candidate = row.Slice(2 * hiddenSize, hiddenSize);
                Span<T> next = hidden.Slice(offset, hiddenSize);
                TensorPrimitives.MultiplyAdd(reset, hiddenRow.Slice(2 * hiddenSize, hiddenSize), candidate, candidate);   // n = tanh(x_n + r ⊙ h_n)
                TensorPrimitives.Tanh(candidate, candidate);
                TensorPrimitives.Subtract(previous.Slice(offset, hiddenSize), candidate, next);   // h' = n + z ⊙ (h − n)
                TensorPrimitives.MultiplyAdd(update, next, candidate, next);
            }
        }
    }

    private protected override void BackwardSteps(ReadOnlySpan<T> dOutput, CellState<T>? dFinal, CellState<T>? dInitial)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize;
        StartHiddenGradient(dFinal);
        for (int step = SequenceLength - 1; step >= 0; step--)
        {
            TotalHiddenGradient(dOutput, step);
            ObserveStep(step, [], []);
            ReadOnlySpan<T> dHidden = DHiddenTotal;
            ReadOnlySpan<T> gates = StepGates(Gates, step);
            ReadOnlySpan<T> hiddenGates = StepGates(_hiddenGates, step);
            ReadOnlySpan<T> previous = PreviousHidden(step);
            Span<T> dGates = StepGates(GatesGradient, step);
            Span<T> dHiddenGates = StepGates(HiddenGatesGradient, step);
            for (int stream = 0; stream < batchSize; stream++)
            {
                int rowOffset = stream * gateSize, offset = stream * hiddenSize;
                for (int unit = 0; unit < hiddenSize; unit++)
                {
                    T reset = gates[rowOffset + unit], update = gates[rowOffset + hiddenSize + unit], candidate = gates[rowOffset + 2 * hiddenSize + unit];
                    T dh = dHidden[offset + unit];
                    T dCandidate = dh * (T.One - update) * (T.One - candidate * candidate);
                    T dReset = dCandidate * hiddenGates[rowOffset + 2 * hiddenSize + unit] * reset * (T.One - reset);
                    T dUpdate = dh * (previous[offset + unit] - candidate) * update * (T.One - update);
                    dGates[rowOffset + unit] = dReset;
                    dGates[rowOffset + hiddenSize + unit] = dUpdate;
                    dGates[rowOffset + 2 * hiddenSize + unit] = dCandidate;
                    dHiddenGates[rowOffset + unit] = dReset;
                    dHiddenGates[rowOffset + hiddenSize + unit] = dUpdate;
                    dHiddenGates[rowOffset + 2 * hiddenSize + unit] = dCandidate * reset;
                }
            }

            CarryHiddenGradient(step, DHiddenCarry);

            // h_t also depends on h_{t-1} directly through z ⊙ h_{t-1}.
            Span<T> carry = DHiddenCarry;
            for (int stream = 0; stream < batchSize; stream++)
            {
                for (int unit = 0; unit < hiddenSize; unit++)
                {
                    carry[stream * hiddenSize + unit] += dHidden[stream * hiddenSize + unit] * gates[stream * gateSize + hiddenSize + unit];
                }
            }
        }

        if (dInitial is not null)
        {
            DHiddenCarry.CopyTo(dInitial.Hidden);
        }
    }
}
