using System.Numerics;
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
    /// One forward step for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>) of streams
    /// [<paramref name="streamStart"/>, <paramref name="streamEnd"/>). On entry <paramref name="gates"/> holds the
    /// pre-activations x·W_ihᵀ + h·W_hhᵀ + b; on exit it holds i, f, g, o.
    /// </summary>
    /// <param name="gates">(B, 4H): pre-activations in, gate activations out (own units).</param>
    /// <param name="previousCell">(B, H): c_{t−1}.</param>
    /// <param name="cell">(B, H): receives c_t.</param>
    /// <param name="tanhCell">(B, H): receives tanh(c_t), kept for backward.</param>
    /// <param name="hidden">(B, H): receives h_t.</param>
    /// <param name="hiddenSize">H: the hidden size.</param>
    /// <param name="streamStart">The first stream.</param>
    /// <param name="streamEnd">One past the last stream.</param>
    /// <param name="unitStart">The first unit of this part.</param>
    /// <param name="unitEnd">One past the last unit of this part.</param>
    /// <remarks>
    /// One pass per stream with every value in registers, instead of eight <c>TensorPrimitives</c> calls per stream, each
    /// paying its checks and dispatch on a short span. The gate functions are TensorPrimitives' own formulas at the widest
    /// accelerated width (in double over the same exponential, so the bits of those calls; in float over
    /// <see cref="ExpConstants"/>' exponential). A unit past the last whole vector runs through that width too, on a
    /// padded copy, so every unit gets the same bits wherever it sits, in any slice of any part, for one stream or many.
    /// </remarks>
    internal static unsafe void ForwardStep(Span<T> gates, ReadOnlySpan<T> previousCell, Span<T> cell, Span<T> tanhCell, Span<T> hidden,
        int hiddenSize, int streamStart, int streamEnd, int unitStart, int unitEnd)
    {
        int width = hidden.Length;
        ThrowHelper.CheckLength(gates.Length, 4 * width, nameof(gates));
        ThrowHelper.CheckLength(previousCell.Length, width, nameof(previousCell));
        ThrowHelper.CheckLength(cell.Length, width, nameof(cell));
        ThrowHelper.CheckLength(tanhCell.Length, width, nameof(tanhCell));
        if (streamStart < 0 || streamStart > streamEnd || (long)streamEnd * hiddenSize > width)
        {
            ThrowHelper.ThrowOutOfRange(nameof(streamEnd), streamEnd, "The streams must lie within the spans.");
        }

        if (unitStart < 0 || unitStart > unitEnd || unitEnd > hiddenSize)
        {
            ThrowHelper.ThrowOutOfRange(nameof(unitEnd), unitEnd, "The units must lie within the hidden size.");
        }

        fixed (T* g = gates, c = previousCell, next = cell, tc = tanhCell, h = hidden)
        {
            ForwardStep(g, c, next, tc, h, hiddenSize, streamStart, streamEnd, unitStart, unitEnd);
        }
    }

    /// <summary>
    /// <see cref="ForwardStep(Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, Span{T}, int, int, int, int, int)"/> on
    /// pinned (B, ·) buffers, unchecked: for the engine, which pins a step's buffers once and calls this for each block
    /// of its part, whose ranges it made itself.
    /// </summary>
    internal static unsafe void ForwardStep(T* gates, T* previousCell, T* cell, T* tanhCell, T* hidden, int hiddenSize,
        int streamStart, int streamEnd, int unitStart, int unitEnd)
    {
        int gateWidth = 4 * hiddenSize;
        for (int stream = streamStart; stream < streamEnd; stream++)
        {
            T* g = gates + stream * gateWidth;
            int offset = stream * hiddenSize;
            T* c = previousCell + offset, next = cell + offset, tc = tanhCell + offset, h = hidden + offset;
            if (Lanes512<T>.IsAccelerated)
            {
                ForwardUnits<Lanes512<T>>(g, c, next, tc, h, hiddenSize, unitStart, unitEnd);
            }
            else if (Lanes256<T>.IsAccelerated)
            {
                ForwardUnits<Lanes256<T>>(g, c, next, tc, h, hiddenSize, unitStart, unitEnd);
            }
            else if (Lanes128<T>.IsAccelerated)
            {
                ForwardUnits<Lanes128<T>>(g, c, next, tc, h, hiddenSize, unitStart, unitEnd);
            }
            else
            {
                ForwardGroups<ScalarLane<T>>(g, c, next, tc, h, hiddenSize, unitStart, unitEnd);
            }
        }
    }

    /// <summary>One stream's units at one width: whole vectors, then the rest as one vector on a zero-padded copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ForwardUnits<TLanes>(T* gates, T* previousCell, T* cell, T* tanhCell, T* hidden, int hiddenSize, int unitStart, int unitEnd)
        where TLanes : struct, ILanes<TLanes, T>
    {
        int unit = ForwardGroups<TLanes>(gates, previousCell, cell, tanhCell, hidden, hiddenSize, unitStart, unitEnd);
        if (unit < unitEnd)
        {
            ForwardTail<TLanes>(gates, previousCell, cell, tanhCell, hidden, hiddenSize, unit, unitEnd - unit);
        }
    }

    /// <summary>The last <paramref name="rest"/> units (fewer than one vector) from <paramref name="unit"/> on, as one vector on a zero-padded copy.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void ForwardTail<TLanes>(T* gates, T* previousCell, T* cell, T* tanhCell, T* hidden, int hiddenSize, int unit, int rest)
        where TLanes : struct, ILanes<TLanes, T>
    {
        // The padded copy: the four gates, then c_{t−1}, c_t, tanh c_t and h_t, one vector each.
        int n = TLanes.Count;
        T* scratch = stackalloc T[8 * n];
        new Span<T>(scratch, 8 * n).Clear();
        for (int j = 0; j < rest; j++)
        {
            for (int gate = 0; gate < 4; gate++)
            {
                scratch[gate * n + j] = gates[gate * hiddenSize + unit + j];
            }

            scratch[4 * n + j] = previousCell[unit + j];
        }

        ForwardGroups<TLanes>(scratch, scratch + 4 * n, scratch + 5 * n, scratch + 6 * n, scratch + 7 * n, n, 0, n);
        for (int j = 0; j < rest; j++)
        {
            for (int gate = 0; gate < 4; gate++)
            {
                gates[gate * hiddenSize + unit + j] = scratch[gate * n + j];
            }

            cell[unit + j] = scratch[5 * n + j];
            tanhCell[unit + j] = scratch[6 * n + j];
            hidden[unit + j] = scratch[7 * n + j];
        }
    }

    /// <summary>Whole groups of <typeparamref name="TLanes"/> from <paramref name="unitStart"/> on; returns the first unit of an incomplete group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int ForwardGroups<TLanes>(T* gates, T* previousCell, T* cell, T* tanhCell, T* hidden, int hiddenSize, int unitStart, int unitEnd)
        where TLanes : struct, ILanes<TLanes, T>
    {
        ref T gate = ref Unsafe.AsRef<T>(gates), previous = ref Unsafe.AsRef<T>(previousCell);
        ref T next = ref Unsafe.AsRef<T>(cell), tanh = ref Unsafe.AsRef<T>(tanhCell), output = ref Unsafe.AsRef<T>(hidden);
        nuint h = (nuint)hiddenSize;
        int unit = unitStart;
        for (; unit + TLanes.Count <= unitEnd; unit += TLanes.Count)
        {
            nuint u = (nuint)unit;
            TLanes input = TLanes.Sigmoid(TLanes.Load(ref gate, u));
            TLanes forget = TLanes.Sigmoid(TLanes.Load(ref gate, h + u));
            TLanes candidate = TLanes.Tanh(TLanes.Load(ref gate, 2 * h + u));
            TLanes outputGate = TLanes.Sigmoid(TLanes.Load(ref gate, 3 * h + u));
            TLanes.Store(input, ref gate, u);
            TLanes.Store(forget, ref gate, h + u);
            TLanes.Store(candidate, ref gate, 2 * h + u);
            TLanes.Store(outputGate, ref gate, 3 * h + u);

            // c = f ⊙ c_prev + i ⊙ g with a rounding after each operation, as TensorPrimitives' Multiply and MultiplyAdd did.
            TLanes c = forget * TLanes.Load(ref previous, u) + input * candidate;
            TLanes tanhC = TLanes.Tanh(c);
            TLanes.Store(c, ref next, u);
            TLanes.Store(tanhC, ref tanh, u);
            TLanes.Store(outputGate * tanhC, ref output, u);
        }

        return unit;
    }

    /// <summary>
    /// The reverse of <see cref="ForwardStep(Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, Span{T}, int, int, int, int, int)"/> for units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>): the
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
