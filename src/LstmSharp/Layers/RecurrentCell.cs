using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Kernels;

namespace LstmSharp.Layers;

/// <summary>
/// One recurrent layer that runs a whole window of T steps for B streams, time-major, and its exact backward pass.
/// The work shared by the three cells lives here: the input projection for all T·B rows at once (a gather for
/// one-hot input), the state bookkeeping, and the weight gradients as one GEMM per window. Each cell supplies
/// its own per-step gate arithmetic.
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> for speed, <see cref="double"/> for gradient checks.</typeparam>
/// <remarks>
/// Parameters live in one flat buffer (<see cref="Parameters"/>) laid out by <see cref="Layout"/>; gradients live in
/// <see cref="Gradients"/> with the same layout. <see cref="Backward"/> adds into <see cref="Gradients"/>.
/// An instance keeps the activations of its last forward pass, so it is not safe to share between threads
/// while training.
/// </remarks>
public abstract class RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _inputIds = [];      // (T, B) when the input was character ids
    private T[] _input = [];           // (T, B, I) when the input was dense
    private bool _inputWasIds;
    private T[] _dHiddenCarry = [];    // (B, H): dL/dh_{t-1} carried back through W_hh
    private T[] _dHiddenTotal = [];    // (B, H): dL/dh_t, the output gradient plus the carried part
    // Only a layer fed character ids uses these two, so they are allocated by its first such window.
    private T[] _weightIhTransposed = [];       // (I, G·H): W_ihᵀ, so a one-hot gather reads one contiguous row
    private T[] _dWeightIhTransposed = [];      // (I, G·H): the scatter target of dW_ih for id input
    private readonly T[] _inputBias;            // (G·H): b_ih, plus b_hh for cells that fold it in
    private readonly PackedMatrix<T> _packedWeightHh = new();   // W_hhᵀ (H, G·H) during Forward, W_hh (G·H, H) during Backward

    /// <summary>Creates a layer with zero parameters.</summary>
    /// <param name="layout">The layer's type and sizes.</param>
    /// <param name="sharedParameters">Another cell's parameters to read in place (an inference view), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size in <paramref name="layout"/> is not positive.</exception>
    private protected RecurrentCell(CellLayout layout, T[]? sharedParameters = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layout.InputSize, nameof(layout));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layout.HiddenSize, nameof(layout));
        Layout = layout;
        // An inference view reads another cell's parameters in place and has no gradients of its own.
        Parameters = sharedParameters ?? new T[layout.Count];
        Gradients = sharedParameters is null ? new T[layout.Count] : [];
        _inputBias = new T[layout.GateSize];
    }

    /// <summary>The layer's type, sizes and the offsets of its tensors in <see cref="Parameters"/>.</summary>
    public CellLayout Layout { get; }

    /// <summary>I: features per input step.</summary>
    public int InputSize => Layout.InputSize;

    /// <summary>H: the hidden size.</summary>
    public int HiddenSize => Layout.HiddenSize;

    /// <summary>All parameters in one flat buffer: weight_ih, weight_hh, bias_ih, bias_hh.</summary>
    public T[] Parameters { get; }

    /// <summary>Parameter gradients, with the same layout as <see cref="Parameters"/>.</summary>
    public T[] Gradients { get; }

    /// <summary><c>weight_ih_l{k}</c>, shape (G·H, I).</summary>
    public Span<T> WeightIh => Parameters.AsSpan(Layout.WeightIhOffset, Layout.GateSize * InputSize);

    /// <summary><c>weight_hh_l{k}</c>, shape (G·H, H).</summary>
    public Span<T> WeightHh => Parameters.AsSpan(Layout.WeightHhOffset, Layout.GateSize * HiddenSize);

    /// <summary><c>bias_ih_l{k}</c>, shape (G·H).</summary>
    public Span<T> BiasIh => Parameters.AsSpan(Layout.BiasIhOffset, Layout.GateSize);

    /// <summary><c>bias_hh_l{k}</c>, shape (G·H).</summary>
    public Span<T> BiasHh => Parameters.AsSpan(Layout.BiasHhOffset, Layout.GateSize);

    /// <summary>The named tensors of the layer, with PyTorch names for layer <paramref name="layerIndex"/>.</summary>
    /// <param name="layerIndex">k in <c>weight_ih_l{k}</c>.</param>
    /// <returns>weight_ih, weight_hh, bias_ih and bias_hh with their offsets and shapes.</returns>
    public IReadOnlyList<TensorSpec> Tensors(int layerIndex) =>
    [
        new($"weight_ih_l{layerIndex}", Layout.WeightIhOffset, [Layout.GateSize, InputSize]),
        new($"weight_hh_l{layerIndex}", Layout.WeightHhOffset, [Layout.GateSize, HiddenSize]),
        new($"bias_ih_l{layerIndex}", Layout.BiasIhOffset, [Layout.GateSize]),
        new($"bias_hh_l{layerIndex}", Layout.BiasHhOffset, [Layout.GateSize]),
    ];

    /// <summary>Receives the state gradients of every backward step; <see langword="null"/> (the default) for none.</summary>
    public IBackwardObserver<T>? BackwardObserver { get; set; }

    /// <summary>Receives the activations of every forward step once a window has run; <see langword="null"/> (the default) for none.</summary>
    public IForwardObserver<T>? ForwardObserver { get; set; }

    /// <summary>T of the last forward pass.</summary>
    public int SequenceLength { get; private set; }

    /// <summary>B of the last forward pass.</summary>
    public int BatchSize { get; private set; }

    /// <summary>(T + 1, B, H): h_0 (the initial state) followed by h_1 … h_T of the last forward pass.</summary>
    private protected T[] HiddenStates { get; private set; } = [];

    /// <summary>(T, B, G·H): the input projection x·W_ihᵀ + b_ih (+ b_hh, see <see cref="FoldsHiddenBias"/>), then whatever the cell keeps per gate.</summary>
    private protected T[] Gates { get; private set; } = [];

    /// <summary>(T, B, G·H): dL/d(pre-activation) of the input projection, filled by <see cref="BackwardSteps"/>.</summary>
    private protected T[] GatesGradient { get; private set; } = [];

    /// <summary>(T, B, G·H): dL/d(h·W_hhᵀ + b_hh); the same array as <see cref="GatesGradient"/> except for the GRU.</summary>
    private protected T[] HiddenGatesGradient { get; set; } = [];

    /// <summary>Runs the layer over a window of one-hot input given as character ids.</summary>
    /// <param name="inputIds">(T, B): character ids in [0, I), time-major.</param>
    /// <param name="sequenceLength">T: the number of steps.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="initial">h_0 (and c_0) for each stream; <see langword="null"/> means zeros.</param>
    /// <param name="output">(T, B, H): receives h_1 … h_T.</param>
    /// <param name="final">Receives h_T (and c_T).</param>
    /// <exception cref="ArgumentException">A length or shape does not match, or an id is out of range.</exception>
    public void Forward(ReadOnlySpan<int> inputIds, int sequenceLength, int batchSize, CellState<T>? initial, Span<T> output, CellState<T> final)
    {
        CheckWindow(sequenceLength, batchSize, inputIds.Length, nameof(inputIds), initial, output, final);
        for (int index = 0; index < inputIds.Length; index++)
        {
            if ((uint)inputIds[index] >= (uint)InputSize)
            {
                throw new ArgumentException($"Input id {inputIds[index]} at position {index} is outside [0, {InputSize}).", nameof(inputIds));
            }
        }

        Resize(sequenceLength, batchSize);
        _inputWasIds = true;
        inputIds.CopyTo(_inputIds);

        // Gather: row r of x·W_ihᵀ for a one-hot x is column id of W_ih, which is row id of W_ihᵀ. Transposing costs
        // G·H·I, so a window with fewer rows than I (sampling: one row) reads the columns in place instead.
        int gateSize = Layout.GateSize;
        PrepareInputBias();
        if (inputIds.Length < InputSize)
        {
            ReadOnlySpan<T> weightIh = WeightIh;
            for (int row = 0; row < inputIds.Length; row++)
            {
                Span<T> gates = Gates.AsSpan(row * gateSize, gateSize);
                int id = inputIds[row];
                for (int gate = 0; gate < gateSize; gate++)
                {
                    gates[gate] = weightIh[gate * InputSize + id] + _inputBias[gate];
                }
            }
        }
        else
        {
            if (_weightIhTransposed.Length == 0)
            {
                _weightIhTransposed = new T[gateSize * InputSize];
            }

            Transpose(WeightIh, gateSize, InputSize, _weightIhTransposed);
            for (int row = 0; row < inputIds.Length; row++)
            {
                TensorPrimitives.Add(_weightIhTransposed.AsSpan(inputIds[row] * gateSize, gateSize), _inputBias, Gates.AsSpan(row * gateSize, gateSize));
            }
        }

        RunForward(initial, output, final);
    }

    /// <summary>Runs the layer over a window of dense input.</summary>
    /// <param name="input">(T, B, I): the input vectors, time-major.</param>
    /// <param name="sequenceLength">T: the number of steps.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="initial">h_0 (and c_0) for each stream; <see langword="null"/> means zeros.</param>
    /// <param name="output">(T, B, H): receives h_1 … h_T.</param>
    /// <param name="final">Receives h_T (and c_T).</param>
    /// <exception cref="ArgumentException">A length or shape does not match.</exception>
    public void Forward(ReadOnlySpan<T> input, int sequenceLength, int batchSize, CellState<T>? initial, Span<T> output, CellState<T> final)
    {
        CheckWindow(sequenceLength, batchSize, input.Length, nameof(input), initial, output, final, InputSize);
        Resize(sequenceLength, batchSize);
        _inputWasIds = false;
        input.CopyTo(_input);

        int rows = sequenceLength * batchSize;
        int gateSize = Layout.GateSize;
        Span<T> gates = Gates.AsSpan(0, rows * gateSize);
        PrepareInputBias();
        for (int row = 0; row < rows; row++)
        {
            _inputBias.CopyTo(gates.Slice(row * gateSize, gateSize));
        }

        Gemm.MultiplyTransposedBAdd<T>(input, WeightIh, rows, InputSize, gateSize, gates);
        RunForward(initial, output, final);
    }

    /// <summary>
    /// The reverse of the last forward pass. Adds into <see cref="Gradients"/>; overwrites <paramref name="dInput"/>
    /// and <paramref name="dInitial"/>.
    /// </summary>
    /// <param name="dOutput">(T, B, H): dL/dh_t from above (the next layer or the head).</param>
    /// <param name="dFinal">dL/dh_T (and dL/dc_T) from beyond the window; <see langword="null"/> means zeros.</param>
    /// <param name="dInput">(T, B, I): receives dL/dx (for id input, the gradient with respect to the one-hot vector); empty to skip.</param>
    /// <param name="dInitial">Receives dL/dh_0 (and dL/dc_0); <see langword="null"/> to skip.</param>
    /// <exception cref="InvalidOperationException">No forward pass has run, or this cell is an inference view.</exception>
    /// <exception cref="ArgumentException">A length or shape does not match the last forward pass.</exception>
    public void Backward(ReadOnlySpan<T> dOutput, CellState<T>? dFinal, Span<T> dInput, CellState<T>? dInitial)
    {
        if (SequenceLength == 0)
        {
            throw new InvalidOperationException("Backward needs a forward pass first.");
        }

        if (Gradients.Length == 0)
        {
            throw new InvalidOperationException("This cell is an inference view of another cell's parameters and cannot be trained.");
        }

        int sequenceLength = SequenceLength, batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize;
        int rows = sequenceLength * batchSize;
        ThrowHelper.CheckLength(dOutput.Length, rows * hiddenSize, nameof(dOutput));
        CheckState(dFinal, batchSize, nameof(dFinal));
        CheckState(dInitial, batchSize, nameof(dInitial));
        if (!dInput.IsEmpty)
        {
            ThrowHelper.CheckLength(dInput.Length, rows * InputSize, nameof(dInput));
        }

        // W_hh is constant through the window: pack it once for every step's carry.
        _packedWeightHh.Pack(WeightHh, gateSize, hiddenSize);
        BackwardSteps(dOutput, dFinal, dInitial);

        ReadOnlySpan<T> dGates = GatesGradient.AsSpan(0, rows * gateSize);
        ReadOnlySpan<T> dHiddenGates = HiddenGatesGradient.AsSpan(0, rows * gateSize);
        Span<T> dWeightIh = Gradients.AsSpan(Layout.WeightIhOffset, gateSize * InputSize);
        if (_inputWasIds)
        {
            // Scatter: only column id of dW_ih (row id of its transpose) receives row r of dGates.
            if (_dWeightIhTransposed.Length == 0)
            {
                _dWeightIhTransposed = new T[gateSize * InputSize];
            }
            else
            {
                Array.Clear(_dWeightIhTransposed);
            }

            for (int row = 0; row < rows; row++)
            {
                Span<T> target = _dWeightIhTransposed.AsSpan(_inputIds[row] * gateSize, gateSize);
                TensorPrimitives.Add(target, dGates.Slice(row * gateSize, gateSize), target);
            }

            for (int gate = 0; gate < gateSize; gate++)
            {
                for (int input = 0; input < InputSize; input++)
                {
                    dWeightIh[gate * InputSize + input] += _dWeightIhTransposed[input * gateSize + gate];
                }
            }
        }
        else
        {
            Gemm.MultiplyTransposedAAdd<T>(dGates, _input.AsSpan(0, rows * InputSize), gateSize, rows, InputSize, dWeightIh);
        }

        // h_{t-1} for every step is rows [0, T) of HiddenStates: one GEMM for the whole window.
        Gemm.MultiplyTransposedAAdd<T>(dHiddenGates, HiddenStates.AsSpan(0, rows * hiddenSize), gateSize, rows, hiddenSize,
            Gradients.AsSpan(Layout.WeightHhOffset, gateSize * hiddenSize));
        AddColumnSums(dGates, rows, Gradients.AsSpan(Layout.BiasIhOffset, gateSize));
        AddColumnSums(dHiddenGates, rows, Gradients.AsSpan(Layout.BiasHhOffset, gateSize));

        if (!dInput.IsEmpty)
        {
            dInput.Clear();
            Gemm.MultiplyAdd<T>(dGates, WeightIh, rows, gateSize, InputSize, dInput);
        }
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(Gradients);

    /// <summary>
    /// Steps t = 1 … T. On entry <see cref="Gates"/> holds x·W_ihᵀ + b_ih for every step and row 0 of
    /// <see cref="HiddenStates"/> (and the cell's own c_0) holds the initial state.
    /// </summary>
    private protected abstract void ForwardSteps(CellState<T>? initial);

    /// <summary>Writes the cell's own final state (c_T for the LSTM) into <paramref name="final"/>.</summary>
    private protected virtual void WriteFinalCellState(CellState<T> final)
    {
    }

    /// <summary>
    /// Steps t = T … 1 in reverse: fills <see cref="GatesGradient"/> and <see cref="HiddenGatesGradient"/>, and
    /// writes dL/dh_0 (and dL/dc_0) into <paramref name="dInitial"/> when given.
    /// </summary>
    private protected abstract void BackwardSteps(ReadOnlySpan<T> dOutput, CellState<T>? dFinal, CellState<T>? dInitial);

    /// <summary>Sizes the cell's own workspaces for up to <paramref name="rows"/> = T·B rows and <paramref name="batchSize"/> streams.</summary>
    private protected abstract void ResizeCellWorkspace(int rows, int batchSize);

    /// <summary>
    /// The recurrent half of one backward step shared by all cells: once the cell has filled its gate gradients for
    /// <paramref name="step"/>, this carries dL/dh_{t-1} = dHiddenGates_t · W_hh back into <paramref name="dHiddenCarry"/> (overwritten).
    /// </summary>
    private protected void CarryHiddenGradient(int step, Span<T> dHiddenCarry)
    {
        int batchSize = BatchSize, gateSize = Layout.GateSize;
        dHiddenCarry.Clear();
        Gemm.MultiplyAdd<T>(HiddenGatesGradient.AsSpan(step * batchSize * gateSize, batchSize * gateSize), _packedWeightHh, batchSize, dHiddenCarry);
    }

    /// <summary>
    /// The recurrent projection of one forward step: <paramref name="gates"/> (B, G·H) += h_{t-1} · W_hhᵀ for step index
    /// <paramref name="step"/>, against W_hh packed once per window. A single stream reads W_hh in place instead: the
    /// result must not depend on the window length, so that sampling one character at a time (where packing would cost
    /// as much as the product) gives the same bits as a pass over the whole text.
    /// </summary>
    private protected void AddRecurrentProjection(int step, Span<T> gates)
    {
        if (BatchSize > 1)
        {
            Gemm.MultiplyAdd<T>(PreviousHidden(step), _packedWeightHh, BatchSize, gates);
        }
        else
        {
            Gemm.MultiplyTransposedBAdd<T>(PreviousHidden(step), WeightHh, 1, HiddenSize, Layout.GateSize, gates);
        }
    }

    /// <summary>(B, H) scratch for dL/dh_{t-1} carried back through W_hh.</summary>
    private protected Span<T> DHiddenCarry => _dHiddenCarry.AsSpan(0, BatchSize * HiddenSize);

    /// <summary>(B, H) scratch for dL/dh_t = dOutput_t + carried part.</summary>
    private protected Span<T> DHiddenTotal => _dHiddenTotal.AsSpan(0, BatchSize * HiddenSize);

    /// <summary>Starts the backward recursion: dL/dh_T from beyond the window, or zero.</summary>
    private protected void StartHiddenGradient(CellState<T>? dFinal)
    {
        if (dFinal is null)
        {
            DHiddenCarry.Clear();
        }
        else
        {
            dFinal.Hidden.CopyTo(DHiddenCarry);
        }
    }

    /// <summary>dL/dh_t = dOutput_t + the part carried back from step t + 1, into <see cref="DHiddenTotal"/>.</summary>
    private protected void TotalHiddenGradient(ReadOnlySpan<T> dOutput, int step)
    {
        int width = BatchSize * HiddenSize;
        TensorPrimitives.Add(dOutput.Slice(step * width, width), DHiddenCarry, DHiddenTotal);
    }

    /// <summary>Reports step <paramref name="step"/>'s state gradients to the observer; call after <see cref="TotalHiddenGradient"/>.</summary>
    private protected void ObserveStep(int step, ReadOnlySpan<T> dCell, ReadOnlySpan<T> dCellCarried) =>
        BackwardObserver?.OnBackwardStep(this, step, DHiddenTotal, DHiddenCarry, dCell, dCellCarried);

    /// <summary>h_{t-1}, shape (B, H), for step index <paramref name="step"/> in [0, T).</summary>
    private protected Span<T> PreviousHidden(int step) => HiddenStates.AsSpan(step * BatchSize * HiddenSize, BatchSize * HiddenSize);

    /// <summary>h_t, shape (B, H), written by step index <paramref name="step"/> in [0, T).</summary>
    private protected Span<T> NextHidden(int step) => HiddenStates.AsSpan((step + 1) * BatchSize * HiddenSize, BatchSize * HiddenSize);

    /// <summary>Row block of a (T, B, G·H) buffer for step index <paramref name="step"/>.</summary>
    private protected Span<T> StepGates(T[] buffer, int step) =>
        buffer.AsSpan(step * BatchSize * Layout.GateSize, BatchSize * Layout.GateSize);

    /// <summary>
    /// Whether the cell adds b_hh together with b_ih in the input projection (LSTM, RNN: both biases simply add); the
    /// GRU keeps b_hh with the recurrent part because r multiplies it.
    /// </summary>
    private protected virtual bool FoldsHiddenBias => true;

    private void PrepareInputBias()
    {
        if (FoldsHiddenBias)
        {
            TensorPrimitives.Add(BiasIh, BiasHh, _inputBias);
        }
        else
        {
            BiasIh.CopyTo(_inputBias);
        }
    }

    /// <summary>c_t, shape (B, H), of step index <paramref name="step"/> for a cell that keeps one (the LSTM); empty otherwise.</summary>
    private protected virtual ReadOnlySpan<T> CellStateAfter(int step) => [];

    /// <summary>Reports every step of the window just run, from the activations kept for the backward pass.</summary>
    private void ObserveForward(IForwardObserver<T> observer)
    {
        bool hasGates = Layout.CellType != CellType.Rnn;   // the RNN's gate buffer holds h_t itself
        for (int step = 0; step < SequenceLength; step++)
        {
            observer.OnForwardStep(this, step, hasGates ? StepGates(Gates, step) : [], CellStateAfter(step), NextHidden(step));
        }
    }

    private static void Transpose(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination)
    {
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                destination[column * rows + row] = source[row * columns + column];
            }
        }
    }

    private void RunForward(CellState<T>? initial, Span<T> output, CellState<T> final)
    {
        int width = BatchSize * HiddenSize;
        if (initial is null)
        {
            HiddenStates.AsSpan(0, width).Clear();
        }
        else
        {
            initial.Hidden.CopyTo(HiddenStates, 0);
        }

        if (BatchSize > 1)
        {
            _packedWeightHh.PackTransposed(WeightHh, HiddenSize, Layout.GateSize);
        }

        ForwardSteps(initial);
        if (ForwardObserver is { } observer)
        {
            ObserveForward(observer);
        }

        HiddenStates.AsSpan(width, SequenceLength * width).CopyTo(output);
        HiddenStates.AsSpan(SequenceLength * width, width).CopyTo(final.Hidden);
        WriteFinalCellState(final);
    }

    private void Resize(int sequenceLength, int batchSize)
    {
        int rows = sequenceLength * batchSize;
        int gateSize = Layout.GateSize;
        int rowCapacity = Gates.Length / gateSize;
        int batchCapacity = _dHiddenTotal.Length / HiddenSize;
        if (rowCapacity < rows || batchCapacity < batchSize)
        {
            // Workspaces grow only when a window needs more rows or streams than any before; the hot loop never allocates.
            rowCapacity = Math.Max(rows, rowCapacity);
            batchCapacity = Math.Max(batchSize, batchCapacity);
            Gates = new T[rowCapacity * gateSize];
            GatesGradient = new T[rowCapacity * gateSize];
            HiddenGatesGradient = GatesGradient;
            HiddenStates = new T[(rowCapacity + batchCapacity) * HiddenSize];
            _inputIds = new int[rowCapacity];
            _input = new T[rowCapacity * InputSize];
            _dHiddenCarry = new T[batchCapacity * HiddenSize];
            _dHiddenTotal = new T[batchCapacity * HiddenSize];
            ResizeCellWorkspace(rowCapacity, batchCapacity);
        }

        SequenceLength = sequenceLength;
        BatchSize = batchSize;
    }

    private void CheckWindow(int sequenceLength, int batchSize, int inputLength, string inputName, CellState<T>? initial,
        Span<T> output, CellState<T> final, int inputWidth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(final);
        ThrowHelper.CheckLength(inputLength, sequenceLength * batchSize * inputWidth, inputName);
        ThrowHelper.CheckLength(output.Length, sequenceLength * batchSize * HiddenSize, nameof(output));
        CheckState(initial, batchSize, nameof(initial));
        CheckState(final, batchSize, nameof(final));
    }

    private void CheckState(CellState<T>? state, int batchSize, string paramName)
    {
        if (state is not null &&
            (state.Hidden.Length != batchSize * HiddenSize || state.Cell.Length != (Layout.HasCellState ? batchSize * HiddenSize : 0)))
        {
            throw new ArgumentException($"The state must be shaped for B = {batchSize}, H = {HiddenSize} and a {Layout.CellType} cell.", paramName);
        }
    }

    private static void AddColumnSums(ReadOnlySpan<T> matrix, int rows, Span<T> destination)
    {
        int columns = destination.Length;
        for (int row = 0; row < rows; row++)
        {
            TensorPrimitives.Add(destination, matrix.Slice(row * columns, columns), destination);
        }
    }
}
