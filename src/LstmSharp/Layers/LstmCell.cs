using System.Numerics;
using System.Numerics.Tensors;

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
    private T[] _dCellTotal = [];   // (B, H): dL/dc_t in total, computed only for a backward observer

    /// <summary>Creates an LSTM layer with zero parameters.</summary>
    /// <param name="inputSize">I: features per input step.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public LstmCell(int inputSize, int hiddenSize)
        : base(new CellLayout(CellType.Lstm, inputSize, hiddenSize))
    {
    }

    /// <summary>An inference view that reads <paramref name="sharedParameters"/> in place.</summary>
    internal LstmCell(int inputSize, int hiddenSize, T[] sharedParameters)
        : base(new CellLayout(CellType.Lstm, inputSize, hiddenSize), sharedParameters)
    {
    }

    private protected override void ResizeCellWorkspace(int rows, int batchSize)
    {
        _cellStates = new T[(rows + batchSize) * HiddenSize];
        _tanhCell = new T[rows * HiddenSize];
        _dCellCarry = new T[batchSize * HiddenSize];
        _dCellTotal = new T[batchSize * HiddenSize];
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
            Span<T> gates = StepGates(Gates, step);     // (B, 4H): x·W_ihᵀ + b_ih + b_hh
            AddRecurrentProjection(step, gates);

            Span<T> hidden = NextHidden(step);
            for (int stream = 0; stream < batchSize; stream++)
            {
                Span<T> row = gates.Slice(stream * gateSize, gateSize);
                Span<T> input = row[..hiddenSize], forget = row.Slice(hiddenSize, hiddenSize);
                Span<T> candidate = row.Slice(2 * hiddenSize, hiddenSize), output = row.Slice(3 * hiddenSize, hiddenSize);
                TensorPrimitives.Sigmoid(row[..(2 * hiddenSize)], row[..(2 * hiddenSize)]);
                TensorPrimitives.Tanh(candidate, candidate);
                TensorPrimitives.Sigmoid(output, output);

                int offset = step * width + stream * hiddenSize;
                ReadOnlySpan<T> previousCell = _cellStates.AsSpan(offset, hiddenSize);
                Span<T> cell = _cellStates.AsSpan(width + offset, hiddenSize);
                Span<T> tanhCell = _tanhCell.AsSpan(offset, hiddenSize);
                TensorPrimitives.Multiply(forget, previousCell, cell);             // c = f ⊙ c_prev
                TensorPrimitives.MultiplyAdd(input, candidate, cell, cell);        //   + i ⊙ g
                TensorPrimitives.Tanh(cell, tanhCell);
                TensorPrimitives.Multiply(output, tanhCell, hidden.Slice(stream * hiddenSize, hiddenSize));   // h = o ⊙ tanh(c)
            }
        }
    }

    private protected override ReadOnlySpan<T> CellStateAfter(int step)
    {
        int width = BatchSize * HiddenSize;
        return _cellStates.AsSpan((step + 1) * width, width);
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
            if (BackwardObserver is not null)
            {
                ObserveStep(step, TotalCellGradient(step, dCellCarry), dCellCarry);
            }

            for (int stream = 0; stream < batchSize; stream++)
            {
                int offset = stream * hiddenSize;
                GateGradients(
                    gates.Slice(stream * gateSize, gateSize),
                    _cellStates.AsSpan(step * width + offset, hiddenSize),
                    _tanhCell.AsSpan(step * width + offset, hiddenSize),
                    dHidden.Slice(offset, hiddenSize),
                    dCellCarry.Slice(offset, hiddenSize),
                    dGates.Slice(stream * gateSize, gateSize));
            }

            CarryHiddenGradient(step, DHiddenCarry);
        }

        if (dInitial is not null)
        {
            DHiddenCarry.CopyTo(dInitial.Hidden);
            dCellCarry.CopyTo(dInitial.Cell);
        }
    }

    /// <summary>dL/dc_t = carried part + dh_t ⊙ o_t ⊙ (1 − tanh²(c_t)), for observers only (the hot path fuses it into <see cref="GateGradients"/>).</summary>
    private Span<T> TotalCellGradient(int step, ReadOnlySpan<T> dCellCarry)
    {
        int hiddenSize = HiddenSize, gateSize = Layout.GateSize, width = BatchSize * hiddenSize;
        Span<T> total = _dCellTotal.AsSpan(0, width);
        ReadOnlySpan<T> gates = StepGates(Gates, step);
        ReadOnlySpan<T> tanhCell = _tanhCell.AsSpan(step * width, width);
        ReadOnlySpan<T> dHidden = DHiddenTotal;
        for (int stream = 0; stream < BatchSize; stream++)
        {
            for (int unit = 0; unit < hiddenSize; unit++)
            {
                int index = stream * hiddenSize + unit;
                T tanhC = tanhCell[index];
                total[index] = dCellCarry[index] + dHidden[index] * gates[stream * gateSize + 3 * hiddenSize + unit] * (T.One - tanhC * tanhC);
            }
        }

        return total;
    }

    /// <summary>
    /// One stream's gate gradients for one step. On entry <paramref name="dCell"/> holds dL/dc_t carried from step t + 1;
    /// on exit it holds dL/dc_{t−1}, carried back through the forget gate.
    /// </summary>
    private static void GateGradients(ReadOnlySpan<T> gates, ReadOnlySpan<T> previousCell, ReadOnlySpan<T> tanhCell,
        ReadOnlySpan<T> dHidden, Span<T> dCell, Span<T> dGates)
    {
        int hiddenSize = dHidden.Length, unit = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> one = Vector<T>.One;
            for (; unit <= hiddenSize - Vector<T>.Count; unit += Vector<T>.Count)
            {
                var input = new Vector<T>(gates[unit..]);
                var forget = new Vector<T>(gates[(hiddenSize + unit)..]);
                var candidate = new Vector<T>(gates[(2 * hiddenSize + unit)..]);
                var output = new Vector<T>(gates[(3 * hiddenSize + unit)..]);
                var tanhC = new Vector<T>(tanhCell[unit..]);
                var dh = new Vector<T>(dHidden[unit..]);
                // dc_t gathers the carried part (through f_{t+1}) and the part through h_t = o ⊙ tanh(c_t).
                Vector<T> dc = new Vector<T>(dCell[unit..]) + dh * output * (one - tanhC * tanhC);
                (dc * forget).CopyTo(dCell[unit..]);
                (dc * candidate * input * (one - input)).CopyTo(dGates[unit..]);
                (dc * new Vector<T>(previousCell[unit..]) * forget * (one - forget)).CopyTo(dGates[(hiddenSize + unit)..]);
                (dc * input * (one - candidate * candidate)).CopyTo(dGates[(2 * hiddenSize + unit)..]);
                (dh * tanhC * output * (one - output)).CopyTo(dGates[(3 * hiddenSize + unit)..]);
            }
        }

        for (; unit < hiddenSize; unit++)
        {
            T input = gates[unit], forget = gates[hiddenSize + unit], candidate = gates[2 * hiddenSize + unit], output = gates[3 * hiddenSize + unit];
            T tanhC = tanhCell[unit], dh = dHidden[unit];
            T dc = dCell[unit] + dh * output * (T.One - tanhC * tanhC);
            dCell[unit] = dc * forget;
            dGates[unit] = dc * candidate * input * (T.One - input);
            dGates[hiddenSize + unit] = dc * previousCell[unit] * forget * (T.One - forget);
            dGates[2 * hiddenSize + unit] = dc * input * (T.One - candidate * candidate);
            dGates[3 * hiddenSize + unit] = dh * tanhC * output * (T.One - output);
        }
    }
}
