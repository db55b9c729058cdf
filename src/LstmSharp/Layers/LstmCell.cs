using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LstmSharp.Kernels;
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
    internal static unsafe void BackwardStep(ReadOnlySpan<T> gates, ReadOnlySpan<T> previousCell, ReadOnlySpan<T> tanhCell, ReadOnlySpan<T> dHidden,
        Span<T> dCell, Span<T> dGates, Span<T> dBias, int batchSize, int hiddenSize, int unitStart, int unitEnd)
    {
        int gateWidth = 4 * hiddenSize;
        ThrowHelper.CheckLength(gates.Length, batchSize * gateWidth, nameof(gates));
        ThrowHelper.CheckLength(dGates.Length, batchSize * gateWidth, nameof(dGates));
        ThrowHelper.CheckLength(previousCell.Length, batchSize * hiddenSize, nameof(previousCell));
        ThrowHelper.CheckLength(tanhCell.Length, batchSize * hiddenSize, nameof(tanhCell));
        ThrowHelper.CheckLength(dHidden.Length, batchSize * hiddenSize, nameof(dHidden));
        ThrowHelper.CheckLength(dCell.Length, batchSize * hiddenSize, nameof(dCell));
        ThrowHelper.CheckLength(dBias.Length, gateWidth, nameof(dBias));
        fixed (T* g = gates, c = previousCell, tc = tanhCell, dh = dHidden, dc = dCell, dg = dGates, db = dBias)
        {
            for (int stream = 0; stream < batchSize; stream++)
            {
                int rowOffset = stream * gateWidth, offset = stream * hiddenSize;
                GateGradients(g + rowOffset, c + offset, tc + offset, dh + offset, dc + offset, dg + rowOffset, db, hiddenSize, unitStart, unitEnd);
            }
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
    /// <remarks>
    /// Written once over <see cref="ILanes{TSelf, T}"/>, widest vectors first and the scalar tail last, on pointers
    /// (over <c>Vector&lt;T&gt;</c> and span slices it ran at 256 bits with a bounds check per load, 11% of an M step).
    /// Every width computes the same expression in the same order, so the width never changes a bit.
    /// </remarks>
    private static unsafe void GateGradients(T* gates, T* previousCell, T* tanhCell, T* dHidden, T* dCell, T* dGates, T* dBias,
        int hiddenSize, int unitStart, int unitEnd)
    {
        int unit = unitStart;
        if (Lanes512<T>.IsAccelerated)
        {
            unit = GateGradients<Lanes512<T>>(gates, previousCell, tanhCell, dHidden, dCell, dGates, dBias, hiddenSize, unit, unitEnd);
        }

        if (Lanes256<T>.IsAccelerated)
        {
            unit = GateGradients<Lanes256<T>>(gates, previousCell, tanhCell, dHidden, dCell, dGates, dBias, hiddenSize, unit, unitEnd);
        }

        if (Lanes128<T>.IsAccelerated)
        {
            unit = GateGradients<Lanes128<T>>(gates, previousCell, tanhCell, dHidden, dCell, dGates, dBias, hiddenSize, unit, unitEnd);
        }

        GateGradients<ScalarLane<T>>(gates, previousCell, tanhCell, dHidden, dCell, dGates, dBias, hiddenSize, unit, unitEnd);
    }

    /// <summary>Whole groups of <typeparamref name="TLanes"/> from <paramref name="unitStart"/> on; returns the first unit of an incomplete group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int GateGradients<TLanes>(T* gates, T* previousCell, T* tanhCell, T* dHidden, T* dCell, T* dGates, T* dBias,
        int hiddenSize, int unitStart, int unitEnd)
        where TLanes : struct, ILanes<TLanes, T>
    {
        ref T gate = ref Unsafe.AsRef<T>(gates), dGate = ref Unsafe.AsRef<T>(dGates), bias = ref Unsafe.AsRef<T>(dBias);
        ref T cell = ref Unsafe.AsRef<T>(previousCell), tanh = ref Unsafe.AsRef<T>(tanhCell);
        ref T hidden = ref Unsafe.AsRef<T>(dHidden), carry = ref Unsafe.AsRef<T>(dCell);
        TLanes one = TLanes.Create(T.One);
        nuint h = (nuint)hiddenSize;
        int unit = unitStart;
        for (; unit + TLanes.Count <= unitEnd; unit += TLanes.Count)
        {
            nuint i = (nuint)unit, f = h + i, g = 2 * h + i, o = 3 * h + i;
            TLanes input = TLanes.Load(ref gate, i), forget = TLanes.Load(ref gate, f);
            TLanes candidate = TLanes.Load(ref gate, g), output = TLanes.Load(ref gate, o);
            TLanes tanhC = TLanes.Load(ref tanh, i), dh = TLanes.Load(ref hidden, i);

            // dc_t gathers the carried part (through f_{t+1}) and the part through h_t = o ⊙ tanh(c_t).
            TLanes dc = TLanes.Load(ref carry, i) + dh * output * (one - tanhC * tanhC);
            TLanes dInput = dc * candidate * input * (one - input);
            TLanes dForget = dc * TLanes.Load(ref cell, i) * forget * (one - forget);
            TLanes dCandidate = dc * input * (one - candidate * candidate);
            TLanes dOutput = dh * tanhC * output * (one - output);
            TLanes.Store(dc * forget, ref carry, i);
            TLanes.Store(dInput, ref dGate, i);
            TLanes.Store(dForget, ref dGate, f);
            TLanes.Store(dCandidate, ref dGate, g);
            TLanes.Store(dOutput, ref dGate, o);
            TLanes.Store(TLanes.Load(ref bias, i) + dInput, ref bias, i);
            TLanes.Store(TLanes.Load(ref bias, f) + dForget, ref bias, f);
            TLanes.Store(TLanes.Load(ref bias, g) + dCandidate, ref bias, g);
            TLanes.Store(TLanes.Load(ref bias, o) + dOutput, ref bias, o);
        }

        return unit;
    }
}
