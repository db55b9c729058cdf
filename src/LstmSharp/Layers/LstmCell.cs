using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Kernels;

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
    private T[] _cellStates = [];   // (T + 1, B, H): c_0 then c_1 … c_T
    private T[] _tanhCell = [];     // (T, B, H): tanh(c_t)
    private T[] _dCellCarry = [];   // (B, H): dL/dc carried back through the forget gate

    /// <summary>Creates an LSTM layer with zero parameters.</summary>
    /// <param name="inputSize">I: features per input step.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public LstmCell(int inputSize, int hiddenSize)
        : base(new CellLayout(CellType.Lstm, inputSize, hiddenSize))
    {
    }

    private protected override void ResizeCellWorkspace(int rows, int batchSize)
    {
        _cellStates = new T[(rows + batchSize) * HiddenSize];
        _tanhCell = new T[rows * HiddenSize];
        _dCellCarry = new T[batchSize * HiddenSize];
    }

    private protected override void ForwardSteps(CellState<T>? initial)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize, width = batchSize * hiddenSize;
        if (initial is null)
        {
            _cellStates.AsSpan(0, width).Clear();
        }
        else
        {
            initial.Cell.CopyTo(_cellStates, 0);
        }

        for (int step = 0; step < SequenceLength; step++)
        {
            Span<T> gates = StepGates(Gates, step);     // (B, 4H)
            for (int stream = 0; stream < batchSize; stream++)
            {
                Span<T> row = gates.Slice(stream * gateSize, gateSize);
                TensorPrimitives.Add(row, BiasHh, row);
            }

            Gemm.MultiplyTransposedBAdd<T>(PreviousHidden(step), WeightHh, batchSize, hiddenSize, gateSize, gates);

            Span<T> previousCell = _cellStates.AsSpan(step * width, width);
            Span<T> cell = _cellStates.AsSpan((step + 1) * width, width);
            Span<T> tanhCell = _tanhCell.AsSpan(step * width, width);
            Span<T> hidden = NextHidden(step);
            for (int stream = 0; stream < batchSize; stream++)
            {
                Span<T> row = gates.Slice(stream * gateSize, gateSize);
                TensorPrimitives.Sigmoid(row[..(2 * hiddenSize)], row[..(2 * hiddenSize)]);
                TensorPrimitives.Tanh(row.Slice(2 * hiddenSize, hiddenSize), row.Slice(2 * hiddenSize, hiddenSize));
                TensorPrimitives.Sigmoid(row.Slice(3 * hiddenSize, hiddenSize), row.Slice(3 * hiddenSize, hiddenSize));

                int offset = stream * hiddenSize;
                for (int unit = 0; unit < hiddenSize; unit++)
                {
                    T input = row[unit], forget = row[hiddenSize + unit], candidate = row[2 * hiddenSize + unit], output = row[3 * hiddenSize + unit];
                    T c = forget * previousCell[offset + unit] + input * candidate;
                    T tanhC = T.Tanh(c);
                    cell[offset + unit] = c;
                    tanhCell[offset + unit] = tanhC;
                    hidden[offset + unit] = output * tanhC;
                }
            }
        }
    }

    private protected override void WriteFinalCellState(CellState<T> final)
    {
        int width = BatchSize * HiddenSize;
        _cellStates.AsSpan(SequenceLength * width, width).CopyTo(final.Cell);
    }

    private protected override void BackwardSteps(ReadOnlySpan<T> dOutput, CellState<T>? dFinal, CellState<T>? dInitial)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize, width = batchSize * hiddenSize;
        StartHiddenGradient(dFinal);
        Span<T> dCellCarry = _dCellCarry.AsSpan(0, width);
        if (dFinal is null)
        {
            dCellCarry.Clear();
        }
        else
        {
            dFinal.Cell.CopyTo(dCellCarry);
        }

        for (int step = SequenceLength - 1; step >= 0; step--)
        {
            TotalHiddenGradient(dOutput, step);
            Span<T> dHidden = DHiddenTotal;
            ReadOnlySpan<T> gates = StepGates(Gates, step);
            Span<T> dGates = StepGates(GatesGradient, step);
            ReadOnlySpan<T> previousCell = _cellStates.AsSpan(step * width, width);
            ReadOnlySpan<T> tanhCell = _tanhCell.AsSpan(step * width, width);
            for (int stream = 0; stream < batchSize; stream++)
            {
                ReadOnlySpan<T> row = gates.Slice(stream * gateSize, gateSize);
                Span<T> dRow = dGates.Slice(stream * gateSize, gateSize);
                int offset = stream * hiddenSize;
                for (int unit = 0; unit < hiddenSize; unit++)
                {
                    T input = row[unit], forget = row[hiddenSize + unit], candidate = row[2 * hiddenSize + unit], output = row[3 * hiddenSize + unit];
                    T tanhC = tanhCell[offset + unit];
                    T dh = dHidden[offset + unit];
                    // dc_t gathers the carried part (through f_{t+1}) and the part through h_t = o ⊙ tanh(c_t).
                    T dc = dCellCarry[offset + unit] + dh * output * (T.One - tanhC * tanhC);
                    dCellCarry[offset + unit] = dc * forget;
                    dRow[unit] = dc * candidate * input * (T.One - input);
                    dRow[hiddenSize + unit] = dc * previousCell[offset + unit] * forget * (T.One - forget);
                    dRow[2 * hiddenSize + unit] = dc * input * (T.One - candidate * candidate);
                    dRow[3 * hiddenSize + unit] = dh * tanhC * output * (T.One - output);
                }
            }

            CarryHiddenGradient(step, DHiddenCarry);
        }

        if (dInitial is not null)
        {
            DHiddenCarry.CopyTo(dInitial.Hidden);
            dCellCarry.CopyTo(dInitial.Cell);
        }
    }
}
