using System.Numerics;
using System.Numerics.Tensors;

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
    /// <summary>Creates an RNN layer with zero parameters.</summary>
    /// <param name="inputSize">I: features per input step.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public RnnCell(int inputSize, int hiddenSize)
        : base(new CellLayout(CellType.Rnn, inputSize, hiddenSize))
    {
    }

    /// <summary>An inference view that reads <paramref name="sharedParameters"/> in place.</summary>
    internal RnnCell(int inputSize, int hiddenSize, T[] sharedParameters)
        : base(new CellLayout(CellType.Rnn, inputSize, hiddenSize), sharedParameters)
    {
    }

    private protected override void ResizeCellWorkspace(int rows, int batchSize)
    {
    }

    private protected override void ForwardSteps(CellState<T>? initial)
    {
        for (int step = 0; step < SequenceLength; step++)
        {
            Span<T> gates = StepGates(Gates, step);     // (B, H): x·W_ihᵀ + b_ih + b_hh
            AddRecurrentProjection(step, gates);
            TensorPrimitives.Tanh(gates, gates);
            gates.CopyTo(NextHidden(step));
        }
    }

    private protected override void BackwardSteps(ReadOnlySpan<T> dOutput, CellState<T>? dFinal, CellState<T>? dInitial)
    {
        StartHiddenGradient(dFinal);
        for (int step = SequenceLength - 1; step >= 0; step--)
        {
            TotalHiddenGradient(dOutput, step);
            ObserveStep(step, [], []);
            ReadOnlySpan<T> dHidden = DHiddenTotal;
            ReadOnlySpan<T> hidden = StepGates(Gates, step);  // h_t, kept in the gate buffer
            Span<T> dGates = StepGates(GatesGradient, step);
            // dL/da = dh ⊙ (1 − h²)
            TensorPrimitives.Multiply(hidden, hidden, dGates);
            TensorPrimitives.Subtract(T.One, dGates, dGates);
            TensorPrimitives.Multiply(dGates, dHidden, dGates);

            CarryHiddenGradient(step, DHiddenCarry);
        }

        if (dInitial is not null)
        {
            DHiddenCarry.CopyTo(dInitial.Hidden);
        }
    }
}
