using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Diagnostics;
using LstmSharp.Kernels;
using LstmSharp.Model;

namespace LstmSharp.Layers;

/// <summary>
/// One recurrent layer that runs a whole window of T steps for B streams, time-major, and its exact backward pass.
/// This class is the window engine shared by the three cells: the input projection for all T·B rows at once (a gather
/// for one-hot input), the unit-partitioned recurrence, the state bookkeeping and the weight gradients as one GEMM per
/// window. Each cell brings a static forward/backward pair for one step of its own gate arithmetic
/// (<see cref="LstmCell{T}"/>, <see cref="GruCell{T}"/>, <see cref="RnnCell{T}"/>).
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> for speed, <see cref="double"/> for gradient checks.</typeparam>
/// <remarks>
/// <para>
/// Parameters live in one flat buffer (<see cref="Parameters"/>) laid out by <see cref="Layout"/>; gradients live in
/// <see cref="Gradients"/> with the same layout. <see cref="Backward"/> adds into <see cref="Gradients"/>.
/// An instance keeps the activations of its last forward pass, so it is not safe to share between threads
/// while training.
/// </para>
/// <para>
/// The recurrence is split by hidden units: each part (one per thread) owns units [start, end) and every gate of them.
/// In a forward step a part computes its own columns of h_{t−1}·W_hhᵀ and then the gate arithmetic of its own units;
/// the parts meet at one barrier per step, because the next step needs the whole h_t. In a backward step a part computes
/// the gate gradients (and the bias-gradient sums) of its own units, meets the others, then its own units of the carry
/// dGates·W_hh. Outputs are split, never a reduction, so every thread count gives the same bits.
/// </para>
/// </remarks>
public abstract unsafe class RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _inputIds = [];          // (T, B) when the input was character ids
    private ReadOnlyMemory<T> _input;      // (T, B, I) when the input was dense: read in place, the layer below owns it
    private T[] _inputCopy = [];           // (T, B, I): the public dense overload's own copy of its input
    private bool _inputWasIds;
    private T[] _ownHidden = [];           // (T + 1, B, H) for the public overloads, which write h into a caller's span
    private T[] _hidden = [];              // (T + 1, B, H): h_0, then h_1 … h_T; the model's activation block or _ownHidden
    private T[] _gates = [];               // (T, B, G·H): pre-activations, then the gate activations the step kernels keep
    private T[] _dGates = [];              // (T, B, G·H): dL/d(pre-activation); the LSTM's is _gates itself, overwritten step by step
    private bool _gatesOverwritten;        // the LSTM's last backward pass has replaced the forward pass's gates by their gradients
    private T[] _cells = [];               // (T + 1, B, H), LSTM: c_0, then c_1 … c_T
    private T[] _tanhCells = [];           // (T, B, H), LSTM: tanh(c_t)
    private T[] _hiddenGates = [];         // (T, B, 3H), GRU: h_{t−1}·W_hhᵀ + b_hh (r multiplies its n block)
    private T[] _dHiddenGates = [];        // (T, B, 3H), GRU: dL/d(h_{t−1}·W_hhᵀ + b_hh)
    private T[] _dHiddenCarry = [];        // (B, H): dL/dh_{t−1} carried back through W_hh (and z for the GRU)
    private T[] _dHiddenTotal = [];        // (B, H): dL/dh_t, the output gradient plus the carried part
    private T[] _dCellCarry = [];          // (B, H), LSTM: dL/dc carried back through the forget gate
    private T[] _dCellTotal = [];          // (B, H), LSTM: dL/dc_t in total, only for a backward observer
    private readonly T[] _dBias;           // (G·H): the window's sum of dGates over T·B rows
    private readonly T[] _dHiddenBias;     // (G·H), GRU: the window's sum of dHiddenGates
    // Only a layer fed character ids uses these two, so they are allocated by its first such window.
    private T[] _weightIhTransposed = [];       // (I, G·H): W_ihᵀ, so a one-hot gather reads one contiguous row
    private T[] _dWeightIhTransposed = [];      // (I, G·H): the scatter target of dW_ih for id input (rows of unseen ids stale)
    private int[] _seenIds = [];                // (I): the distinct ids of the window, in first-seen order
    private bool[] _idSeen = [];                // (I): whether an id is among them
    private readonly T[] _inputBias;            // (G·H): b_ih, plus b_hh for cells that fold it in
    private UnitSlicedWeights<T>? _slices;      // W_hh cut into the parts' units, for the current B and thread count
    private int _slicesBatchSize;
    private T* _dOutput;                        // (T, B, H): dL/dh_t from above, pinned for the duration of Backward
    private readonly ForwardWindow _forwardWindow;
    private readonly BackwardWindow _backwardWindow;

    /// <summary>Creates a layer with zero parameters (the cells' public constructors then draw them).</summary>
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
        _dBias = new T[layout.GateSize];
        _dHiddenBias = layout.CellType == CellType.Gru ? new T[layout.GateSize] : [];
        _forwardWindow = new ForwardWindow(this);
        _backwardWindow = new BackwardWindow(this);
    }

    /// <summary>The layer's type, sizes and the offsets of its tensors in <see cref="Parameters"/>.</summary>
    internal CellLayout Layout { get; }

    /// <summary>The kind of cell: LSTM, GRU or RNN.</summary>
    public CellType CellType => Layout.CellType;

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
    internal IReadOnlyList<TensorSpec> Tensors(int layerIndex) =>
    [
        new($"weight_ih_l{layerIndex}", Layout.WeightIhOffset, [Layout.GateSize, InputSize]),
        new($"weight_hh_l{layerIndex}", Layout.WeightHhOffset, [Layout.GateSize, HiddenSize]),
        new($"bias_ih_l{layerIndex}", Layout.BiasIhOffset, [Layout.GateSize]),
        new($"bias_hh_l{layerIndex}", Layout.BiasHhOffset, [Layout.GateSize]),
    ];

    /// <summary>
    /// Draws every parameter again from <paramref name="initialization"/>'s distribution, weight_ih, weight_hh, bias_ih,
    /// bias_hh in turn from one stream: the same seed gives the same parameters, in float and in double alike (up to
    /// rounding), and a one-layer <see cref="CharModel{T}"/> initialised with the same seed has the same layer.
    /// </summary>
    /// <param name="initialization">
    /// <see cref="Initialization.PyTorchUniform"/> (PyTorch's default, U(−1/√H, 1/√H) for all four tensors),
    /// <see cref="Initialization.ArticleNormal"/> (N(0, 0.01²), b_hh zero) or <see cref="Initialization.MinCharRnnNormal"/>.
    /// </param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialization"/> is not a defined scheme.</exception>
    /// <exception cref="InvalidOperationException">This cell is an inference view of another cell's parameters.</exception>
    public void Initialize(Initialization initialization, ulong seed)
    {
        ParameterDraw.CheckInitialize(initialization, isInferenceView: Gradients.Length == 0, nameof(initialization));
        Draw(initialization, new SeededRandom(seed));
    }

    /// <summary>Draws the four tensors in state-dict order from <paramref name="random"/> (the model's stream, or the cell's own).</summary>
    internal void Draw(Initialization initialization, SeededRandom random)
    {
        ParameterDraw.Fill(WeightIh, initialization, HiddenSize, isBias: false, isSecondBias: false, random);
        ParameterDraw.Fill(WeightHh, initialization, HiddenSize, isBias: false, isSecondBias: false, random);
        ParameterDraw.Fill(BiasIh, initialization, HiddenSize, isBias: true, isSecondBias: false, random);
        ParameterDraw.Fill(BiasHh, initialization, HiddenSize, isBias: true, isSecondBias: true, random);
    }

    /// <summary>Receives the state gradients of every backward step; <see langword="null"/> (the default) for none.</summary>
    public IBackwardObserver<T>? BackwardObserver { get; set; }

    /// <summary>Receives the activations of every forward step once a window has run; <see langword="null"/> (the default) for none.</summary>
    public IForwardObserver<T>? ForwardObserver { get; set; }

    /// <summary>T of the last forward pass.</summary>
    public int SequenceLength { get; private set; }

    /// <summary>B of the last forward pass.</summary>
    public int BatchSize { get; private set; }

    /// <summary>
    /// Runs the layer over a window of one-hot input given as character ids, as <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c>
    /// (one layer, time-major) run over <c>one_hot(inputIds)</c>: effectively computes
    /// <c>output, (hN, cN) = cell(one_hot(inputIds), (h0, c0))</c>. Keeps what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="inputIds">(T, B): character ids in [0, I), time-major.</param>
    /// <param name="h0">(B, H): h_0 for each stream; empty means zeros (PyTorch's <c>None</c>).</param>
    /// <param name="c0">(B, H): c_0 for an LSTM; empty means zeros. Must be empty for a GRU or RNN.</param>
    /// <param name="sequenceLength">T: the number of steps.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="output">(T, B, H): receives h_1 … h_T.</param>
    /// <param name="hN">(B, H): receives h_T; empty to skip. May be the same span as <paramref name="h0"/>.</param>
    /// <param name="cN">(B, H): receives c_T for an LSTM; empty to skip. May be the same span as <paramref name="c0"/>. Must be empty for a GRU or RNN.</param>
    /// <exception cref="ArgumentException">
    /// A length does not match the shape, an id is outside [0, I), or a destination partly overlaps a source or another destination.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> or <paramref name="batchSize"/> is not positive.</exception>
    public void Forward(ReadOnlySpan<int> inputIds, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, int sequenceLength, int batchSize,
        Span<T> output, Span<T> hN, Span<T> cN)
    {
        CheckForwardSpans(h0, c0, sequenceLength, batchSize, output, hN, cN);
        ForwardInto(inputIds, sequenceLength, batchSize, h0, c0, OwnHidden(sequenceLength, batchSize), hN, cN);
        _hidden.AsSpan(batchSize * HiddenSize, output.Length).CopyTo(output);
    }

    /// <summary>
    /// Runs the layer over a window of dense input, as <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c> (one layer,
    /// time-major): effectively computes <c>output, (hN, cN) = cell(input, (h0, c0))</c>. Keeps a copy of the input
    /// and what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="input">(T, B, I): the input vectors, time-major. May be the same span as <paramref name="output"/> when I = H.</param>
    /// <param name="h0">(B, H): h_0 for each stream; empty means zeros (PyTorch's <c>None</c>).</param>
    /// <param name="c0">(B, H): c_0 for an LSTM; empty means zeros. Must be empty for a GRU or RNN.</param>
    /// <param name="sequenceLength">T: the number of steps.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="output">(T, B, H): receives h_1 … h_T.</param>
    /// <param name="hN">(B, H): receives h_T; empty to skip. May be the same span as <paramref name="h0"/>.</param>
    /// <param name="cN">(B, H): receives c_T for an LSTM; empty to skip. May be the same span as <paramref name="c0"/>. Must be empty for a GRU or RNN.</param>
    /// <exception cref="ArgumentException">
    /// A length does not match the shape, or a destination partly overlaps a source or another destination.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> or <paramref name="batchSize"/> is not positive.</exception>
    public void Forward(ReadOnlySpan<T> input, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, int sequenceLength, int batchSize,
        Span<T> output, Span<T> hN, Span<T> cN)
    {
        CheckForwardSpans(h0, c0, sequenceLength, batchSize, output, hN, cN);
        ThrowHelper.CheckLength(input.Length, sequenceLength * batchSize * InputSize, nameof(input));
        SpanOverlap.CheckSource(input, output, nameof(output));
        SpanOverlap.CheckSource(input, hN, nameof(hN));
        SpanOverlap.CheckSource(input, cN, nameof(cN));
        if (_inputCopy.Length < input.Length)
        {
            _inputCopy = new T[input.Length];
        }

        input.CopyTo(_inputCopy);
        ForwardInto(_inputCopy.AsMemory(0, input.Length), sequenceLength, batchSize, h0, c0, OwnHidden(sequenceLength, batchSize), hN, cN);
        _hidden.AsSpan(batchSize * HiddenSize, output.Length).CopyTo(output);
    }

    /// <summary>The model's entry over character ids with per-layer state objects; see the span overload below.</summary>
    internal void ForwardInto(ReadOnlySpan<int> inputIds, int sequenceLength, int batchSize, CellState<T>? initial, T[] hidden, CellState<T> final)
    {
        CheckStates(initial, final, batchSize);
        ForwardInto(inputIds, sequenceLength, batchSize, CellState<T>.HiddenOf(initial), CellState<T>.CellOf(initial), hidden, final.Hidden, final.Cell);
    }

    /// <summary>The model's entry over dense input with per-layer state objects; see the span overload below.</summary>
    internal void ForwardInto(ReadOnlyMemory<T> input, int sequenceLength, int batchSize, CellState<T>? initial, T[] hidden, CellState<T> final)
    {
        CheckStates(initial, final, batchSize);
        ForwardInto(input, sequenceLength, batchSize, CellState<T>.HiddenOf(initial), CellState<T>.CellOf(initial), hidden, final.Hidden, final.Cell);
    }

    /// <summary>
    /// The window over character ids, writing h_0 … h_T into <paramref name="hidden"/>, which the cell keeps for its backward
    /// pass and the caller reads in place (the next layer's input, the head's input): the model's activation block.
    /// </summary>
    /// <param name="hidden">(≥ T + 1, B, H): receives h_0 (the initial state) and h_1 … h_T.</param>
    /// <param name="inputIds">(T, B): character ids in [0, I), time-major.</param>
    /// <param name="sequenceLength">T: the number of steps.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="h0">(B, H): h_0 for each stream; empty means zeros.</param>
    /// <param name="c0">(B, H): c_0 for an LSTM; empty means zeros.</param>
    /// <param name="hN">(B, H): receives h_T; empty to skip.</param>
    /// <param name="cN">(B, H): receives c_T for an LSTM; empty to skip.</param>
    internal void ForwardInto(ReadOnlySpan<int> inputIds, int sequenceLength, int batchSize, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, T[] hidden,
        Span<T> hN, Span<T> cN)
    {
        CheckWindow(sequenceLength, batchSize, inputIds.Length, nameof(inputIds), hidden);
        ThrowHelper.CheckIds(inputIds, InputSize, "Input id", "position", nameof(inputIds));

        long started = StepProfiler.Start();
        Resize(sequenceLength, batchSize, hidden);
        _inputWasIds = true;
        inputIds.CopyTo(_inputIds);
        PrepareInputBias();
        if (inputIds.Length >= InputSize)
        {
            // Transposing costs G·H·I, so only a window with at least I rows gathers from W_ihᵀ; shorter windows
            // (sampling: one row) read the columns of W_ih in place.
            if (_weightIhTransposed.Length == 0)
            {
                _weightIhTransposed = new T[Layout.GateSize * InputSize];
            }

            Transpose(WeightIh, Layout.GateSize, InputSize, _weightIhTransposed);
        }

        StepProfiler.Stop(StepPhase.InputProjection, started);
        RunForward(h0, c0, hN, cN);
    }

    /// <summary>The window over dense input read in place (the layer below's activations); see the id overload.</summary>
    /// <param name="input">(T, B, I): kept, not copied, until the next window.</param>
    /// <param name="sequenceLength">T: the number of steps.</param>
    /// <param name="batchSize">B: the number of streams.</param>
    /// <param name="h0">(B, H): h_0 for each stream; empty means zeros.</param>
    /// <param name="c0">(B, H): c_0 for an LSTM; empty means zeros.</param>
    /// <param name="hidden">(≥ T + 1, B, H): receives h_0 (the initial state) and h_1 … h_T.</param>
    /// <param name="hN">(B, H): receives h_T; empty to skip.</param>
    /// <param name="cN">(B, H): receives c_T for an LSTM; empty to skip.</param>
    internal void ForwardInto(ReadOnlyMemory<T> input, int sequenceLength, int batchSize, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, T[] hidden,
        Span<T> hN, Span<T> cN)
    {
        CheckWindow(sequenceLength, batchSize, input.Length, nameof(input), hidden, InputSize);
        long started = StepProfiler.Start();
        Resize(sequenceLength, batchSize, hidden);
        _inputWasIds = false;
        _input = input;

        int rows = sequenceLength * batchSize;
        int gateSize = Layout.GateSize;
        Span<T> gates = _gates.AsSpan(0, rows * gateSize);
        PrepareInputBias();
        for (int row = 0; row < rows; row++)
        {
            _inputBias.CopyTo(gates.Slice(row * gateSize, gateSize));
        }

        Gemm.MultiplyTransposedBAdd<T>(input.Span, WeightIh, rows, InputSize, gateSize, gates);
        StepProfiler.Stop(StepPhase.InputProjection, started);
        RunForward(h0, c0, hN, cN);
    }

    /// <summary>
    /// The reverse of the last forward pass, as PyTorch's autograd runs it for <c>output, (hN, cN)</c>: adds
    /// dL/dweight_ih, dL/dweight_hh, dL/dbias_ih and dL/dbias_hh into <see cref="Gradients"/>; overwrites
    /// <paramref name="dInput"/>, <paramref name="dh0"/> and <paramref name="dc0"/>.
    /// </summary>
    /// <param name="dOutput">(T, B, H): dL/dh_t from above (the next layer or the head).</param>
    /// <param name="dhN">(B, H): dL/dh_T from beyond the window; empty means zeros (truncated BPTT).</param>
    /// <param name="dcN">(B, H): dL/dc_T for an LSTM; empty means zeros. Must be empty for a GRU or RNN.</param>
    /// <param name="dInput">
    /// (T, B, I): receives dL/dx (for id input, the gradient with respect to the one-hot vector); empty to skip. May be
    /// the same span as <paramref name="dOutput"/> when I = H.
    /// </param>
    /// <param name="dh0">(B, H): receives dL/dh_0; empty to skip. May be the same span as <paramref name="dhN"/>.</param>
    /// <param name="dc0">(B, H): receives dL/dc_0 for an LSTM; empty to skip. May be the same span as <paramref name="dcN"/>. Must be empty for a GRU or RNN.</param>
    /// <exception cref="InvalidOperationException">
    /// No forward pass has run, this cell is an inference view, or (LSTM) the last forward pass has had its backward pass
    /// already: an LSTM's backward pass writes the gate gradients over the gate activations they came from.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A length does not match the last forward pass, or a destination partly overlaps a source or another destination.
    /// </exception>
    public void Backward(ReadOnlySpan<T> dOutput, ReadOnlySpan<T> dhN, ReadOnlySpan<T> dcN, Span<T> dInput, Span<T> dh0, Span<T> dc0)
    {
        if (SequenceLength == 0)
        {
            throw new InvalidOperationException("Backward needs a forward pass first.");
        }

        if (Gradients.Length == 0)
        {
            throw new InvalidOperationException("This cell is an inference view of another cell's parameters and cannot be trained.");
        }

        if (_gatesOverwritten)
        {
            throw new InvalidOperationException("An LSTM's backward pass replaces the forward pass's gate activations by their gradients: run Forward again before another Backward.");
        }

        int sequenceLength = SequenceLength, batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize;
        int rows = sequenceLength * batchSize, width = batchSize * hiddenSize;
        ThrowHelper.CheckLength(dOutput.Length, rows * hiddenSize, nameof(dOutput));
        CheckStateSpan(dhN, batchSize, hasState: true, nameof(dhN));
        CheckStateSpan(dcN, batchSize, Layout.HasCellState, nameof(dcN));
        CheckStateSpan(dh0, batchSize, hasState: true, nameof(dh0));
        CheckStateSpan(dc0, batchSize, Layout.HasCellState, nameof(dc0));
        if (!dInput.IsEmpty)
        {
            ThrowHelper.CheckLength(dInput.Length, rows * InputSize, nameof(dInput));
        }

        // dOutput is read until the weight gradients; dhN and dcN only at the start: exact reuse of a source as a destination is safe.
        SpanOverlap.CheckSources(dOutput, dhN, dcN, dInput, nameof(dInput));
        SpanOverlap.CheckSources(dOutput, dhN, dcN, dh0, nameof(dh0));
        SpanOverlap.CheckSources(dOutput, dhN, dcN, dc0, nameof(dc0));
        SpanOverlap.CheckDestinations(dInput, nameof(dInput), dh0, nameof(dh0));
        SpanOverlap.CheckDestinations(dInput, nameof(dInput), dc0, nameof(dc0));
        SpanOverlap.CheckDestinations(dh0, nameof(dh0), dc0, nameof(dc0));

        long started = StepProfiler.Start();
        CopyOrClear(dhN, _dHiddenCarry.AsSpan(0, width));
        CopyOrClear(dcN, _dCellCarry.AsSpan(0, Layout.HasCellState ? width : 0));

        Array.Clear(_dBias);
        Array.Clear(_dHiddenBias);
        int seenCount = 0;
        if (_inputWasIds)
        {
            if (_dWeightIhTransposed.Length == 0)
            {
                _dWeightIhTransposed = new T[gateSize * InputSize];
                _seenIds = new int[InputSize];
                _idSeen = new bool[InputSize];
            }

            // Only the rows of ids in this window receive the scatter and are read back, so only they are cleared: a
            // window of 25 characters touches at most 25 of the I rows (the whole clear and fold were 10% of an S step).
            seenCount = FindSeenIds(_inputIds.AsSpan(0, rows));
            for (int index = 0; index < seenCount; index++)
            {
                _dWeightIhTransposed.AsSpan(_seenIds[index] * gateSize, gateSize).Clear();
            }
        }

        _gatesOverwritten = Layout.CellType == CellType.Lstm;
        fixed (T* pinned = dOutput)
        {
            _dOutput = pinned;
            if (BackwardObserver is null)
            {
                RecurrenceWorkers.Run(_backwardWindow, Gemm.MaxThreads);
            }
            else
            {
                _backwardWindow.RunObserved();
            }

            _dOutput = null;
        }

        _dHiddenCarry.AsSpan(0, dh0.Length).CopyTo(dh0);
        _dCellCarry.AsSpan(0, dc0.Length).CopyTo(dc0);

        StepProfiler.Stop(StepPhase.RecurrentBackward, started);
        started = StepProfiler.Start();
        ReadOnlySpan<T> dGates = _dGates.AsSpan(0, rows * gateSize);
        ReadOnlySpan<T> dHiddenGates = Layout.CellType == CellType.Gru ? _dHiddenGates.AsSpan(0, rows * gateSize) : dGates;
        Span<T> dWeightIh = Gradients.AsSpan(Layout.WeightIhOffset, gateSize * InputSize);
        if (_inputWasIds)
        {
            // The backward steps scattered row r of dGates into row id of dW_ihᵀ (column id of dW_ih). Columns of ids the
            // window did not see would add +0, which leaves every value as it is (a sum that starts at +0 is never −0).
            for (int index = 0; index < seenCount; index++)
            {
                int id = _seenIds[index];
                ReadOnlySpan<T> scattered = _dWeightIhTransposed.AsSpan(id * gateSize, gateSize);
                for (int gate = 0; gate < gateSize; gate++)
                {
                    dWeightIh[gate * InputSize + id] += scattered[gate];
                }
            }
        }
        else
        {
            Gemm.MultiplyTransposedAAdd<T>(dGates, _input.Span, gateSize, rows, InputSize, dWeightIh);
        }

        // h_{t-1} for every step is rows [0, T) of the hidden block: one GEMM for the whole window.
        Gemm.MultiplyTransposedAAdd<T>(dHiddenGates, _hidden.AsSpan(0, rows * hiddenSize), gateSize, rows, hiddenSize,
            Gradients.AsSpan(Layout.WeightHhOffset, gateSize * hiddenSize));
        Span<T> dBiasIh = Gradients.AsSpan(Layout.BiasIhOffset, gateSize), dBiasHh = Gradients.AsSpan(Layout.BiasHhOffset, gateSize);
        TensorPrimitives.Add(dBiasIh, _dBias, dBiasIh);
        TensorPrimitives.Add(dBiasHh, Layout.CellType == CellType.Gru ? _dHiddenBias : _dBias, dBiasHh);

        if (!dInput.IsEmpty)
        {
            dInput.Clear();
            Gemm.MultiplyAdd<T>(dGates, WeightIh, rows, gateSize, InputSize, dInput);
        }

        StepProfiler.Stop(StepPhase.WeightGradients, started);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(Gradients);

    /// <summary>Writes the distinct ids of <paramref name="ids"/> to the front of <c>_seenIds</c>; returns how many.</summary>
    private int FindSeenIds(ReadOnlySpan<int> ids)
    {
        int count = 0;
        foreach (int id in ids)
        {
            if (!_idSeen[id])
            {
                _idSeen[id] = true;
                _seenIds[count++] = id;
            }
        }

        for (int index = 0; index < count; index++)
        {
            _idSeen[_seenIds[index]] = false;
        }

        return count;
    }

    private void RunForward(ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, Span<T> hN, Span<T> cN)
    {
        long started = StepProfiler.Start();
        int width = BatchSize * HiddenSize;
        CopyOrClear(h0, _hidden.AsSpan(0, width));
        CopyOrClear(c0, _cells.AsSpan(0, Layout.HasCellState ? width : 0));

        RecurrenceWorkers.Run(_forwardWindow, Gemm.MaxThreads);
        if (ForwardObserver is { } observer)
        {
            ObserveForward(observer);
        }

        _hidden.AsSpan(SequenceLength * width, hN.Length).CopyTo(hN);
        if (!cN.IsEmpty)
        {
            _cells.AsSpan(SequenceLength * width, width).CopyTo(cN);
        }
        StepProfiler.Stop(StepPhase.RecurrentForward, started);
    }

    /// <summary>
    /// Forward step <paramref name="step"/> for the units of <paramref name="part"/>: the input projection of those
    /// units (for id input), their columns of h_{t−1}·W_hhᵀ, then the cell's gate arithmetic.
    /// </summary>
    private void ForwardStep(int part, int step)
    {
        if (Layout.CellType == CellType.Lstm && BatchSize > 1)
        {
            ForwardStepByBlocks(part, step);
            return;
        }

        int batchSize = BatchSize, hiddenSize = HiddenSize, gateCount = Layout.GateCount, gateSize = Layout.GateSize;
        int unitStart = _slices!.Boundaries[part], unitEnd = _slices.Boundaries[part + 1], units = unitEnd - unitStart;
        int width = batchSize * hiddenSize, gateWidth = batchSize * gateSize;
        Span<T> gates = _gates.AsSpan(step * gateWidth, gateWidth);             // (B, G·H)
        if (_inputWasIds)
        {
            GatherInput(step, 0, batchSize, unitStart, unitEnd, gates);
        }

        bool gru = Layout.CellType == CellType.Gru;
        Span<T> recurrent = gru ? _hiddenGates.AsSpan(step * gateWidth, gateWidth) : gates;   // receives h_{t−1}·W_hhᵀ
        if (gru)
        {
            for (int stream = 0; stream < batchSize; stream++)
            {
                for (int gate = 0; gate < gateCount; gate++)
                {
                    BiasHh.Slice(gate * hiddenSize + unitStart, units).CopyTo(recurrent.Slice(stream * gateSize + gate * hiddenSize + unitStart, units));
                }
            }
        }

        fixed (T* weightHh = WeightHh, previous = _hidden.AsSpan(step * width, width), target = recurrent)
        {
            if (batchSize == 1)
            {
                UnitSlicedWeights<T>.ForwardSingle(weightHh, previous, target, gateCount, hiddenSize, unitStart, unitEnd);
            }
            else
            {
                _slices.Forward(previous, batchSize, target, part);
            }
        }

        ReadOnlySpan<T> previousHidden = _hidden.AsSpan(step * width, width);
        Span<T> hidden = _hidden.AsSpan((step + 1) * width, width);
        switch (Layout.CellType)
        {
            case CellType.Lstm:
                LstmCell<T>.ForwardStep(gates, _cells.AsSpan(step * width, width), _cells.AsSpan((step + 1) * width, width),
                    _tanhCells.AsSpan(step * width, width), hidden, hiddenSize, 0, batchSize, unitStart, unitEnd);
                break;
            case CellType.Gru:
                GruCell<T>.ForwardStep(gates, recurrent, previousHidden, hidden, batchSize, hiddenSize, unitStart, unitEnd);
                break;
            default:
                RnnCell<T>.ForwardStep(gates, hidden, batchSize, hiddenSize, unitStart, unitEnd);
                break;
        }

        // Here h_t, the gate activations (and c_t) of this part's units for every stream of step t exist.
    }

    /// <summary>
    /// <see cref="ForwardStep"/> for the LSTM with several streams, one block (a register tile of streams by NR units)
    /// at a time: the block's input gather, its recurrent product for every gate, then its pointwise step while the
    /// block is still in L1. Each element is computed exactly as part by part, only sooner.
    /// </summary>
    private void ForwardStepByBlocks(int part, int step)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, width = batchSize * hiddenSize, gateWidth = batchSize * Layout.GateSize;
        Span<T> gates = _gates.AsSpan(step * gateWidth, gateWidth);
        UnitSlicedWeights<T> slices = _slices!;
        fixed (T* previous = _hidden.AsSpan(step * width, width), hidden = _hidden.AsSpan((step + 1) * width, width), target = gates,
            previousCell = _cells.AsSpan(step * width, width), cell = _cells.AsSpan((step + 1) * width, width),
            tanhCell = _tanhCells.AsSpan(step * width, width))
        {
            for (int block = 0; block < slices.BlockCount(part); block++)
            {
                (int unit, int units) = slices.Block(part, block);
                for (int streamStart = 0; streamStart < batchSize; streamStart += UnitSlicedWeights<T>.BlockRows)
                {
                    int streamEnd = Math.Min(batchSize, streamStart + UnitSlicedWeights<T>.BlockRows);
                    if (_inputWasIds)
                    {
                        GatherInput(step, streamStart, streamEnd, unit, unit + units, gates);
                    }

                    slices.ForwardBlock(previous, streamStart, streamEnd - streamStart, target, part, block);
                    LstmCell<T>.ForwardStep(target, previousCell, cell, tanhCell, hidden, hiddenSize, streamStart, streamEnd, unit, unit + units);
                }
            }
        }
    }

    /// <summary>Backward step <paramref name="step"/>, first half for <paramref name="part"/>'s units: dL/dh_t in total.</summary>
    private void TotalHiddenGradient(int part, int step)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize;
        int unitStart = _slices!.Boundaries[part], units = _slices.Boundaries[part + 1] - unitStart;
        var dOutput = new ReadOnlySpan<T>(_dOutput + (nint)step * batchSize * hiddenSize, batchSize * hiddenSize);
        for (int stream = 0; stream < batchSize; stream++)
        {
            int offset = stream * hiddenSize + unitStart;
            TensorPrimitives.Add(dOutput.Slice(offset, units), _dHiddenCarry.AsSpan(offset, units), _dHiddenTotal.AsSpan(offset, units));
        }
    }

    /// <summary>
    /// Backward step <paramref name="step"/>, first half for <paramref name="part"/>'s units after <see cref="TotalHiddenGradient"/>:
    /// the cell's gate gradients with the bias-gradient sums, and for id input the scatter into dW_ihᵀ.
    /// </summary>
    private void GateGradientStep(int part, int step)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize;
        int unitStart = _slices!.Boundaries[part], unitEnd = _slices.Boundaries[part + 1];
        int width = batchSize * hiddenSize, gateWidth = batchSize * gateSize;
        ReadOnlySpan<T> gates = _gates.AsSpan(step * gateWidth, gateWidth);
        Span<T> dGates = _dGates.AsSpan(step * gateWidth, gateWidth);
        ReadOnlySpan<T> dHidden = _dHiddenTotal.AsSpan(0, width);
        switch (Layout.CellType)
        {
            case CellType.Lstm:
                LstmCell<T>.BackwardStep(gates, _cells.AsSpan(step * width, width), _tanhCells.AsSpan(step * width, width), dHidden,
                    _dCellCarry.AsSpan(0, width), dGates, _dBias, batchSize, hiddenSize, unitStart, unitEnd);
                break;
            case CellType.Gru:
                GruCell<T>.BackwardStep(gates, _hiddenGates.AsSpan(step * gateWidth, gateWidth), _hidden.AsSpan(step * width, width), dHidden,
                    dGates, _dHiddenGates.AsSpan(step * gateWidth, gateWidth), _dBias, _dHiddenBias, batchSize, hiddenSize, unitStart, unitEnd);
                break;
            default:
                RnnCell<T>.BackwardStep(_hidden.AsSpan((step + 1) * width, width), dHidden, dGates, _dBias, batchSize, hiddenSize, unitStart, unitEnd);
                break;
        }

        if (_inputWasIds)
        {
            // Scatter: only column id of dW_ih (row id of its transpose) receives row r of dGates; own columns only.
            int units = unitEnd - unitStart;
            for (int stream = 0; stream < batchSize; stream++)
            {
                int id = _inputIds[step * batchSize + stream];
                for (int gate = 0; gate < Layout.GateCount; gate++)
                {
                    int column = gate * hiddenSize + unitStart;
                    Span<T> target = _dWeightIhTransposed.AsSpan(id * gateSize + column, units);
                    TensorPrimitives.Add(target, dGates.Slice(stream * gateSize + column, units), target);
                }
            }
        }
    }

    /// <summary>Backward step <paramref name="step"/>, second half for <paramref name="part"/>'s units: the carry dL/dh_{t−1}.</summary>
    private void CarryStep(int part, int step)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize;
        int unitStart = _slices!.Boundaries[part], unitEnd = _slices.Boundaries[part + 1], units = unitEnd - unitStart;
        int gateWidth = batchSize * gateSize;
        bool gru = Layout.CellType == CellType.Gru;
        ReadOnlySpan<T> dRecurrent = (gru ? _dHiddenGates : _dGates).AsSpan(step * gateWidth, gateWidth);
        for (int stream = 0; stream < batchSize; stream++)
        {
            _dHiddenCarry.AsSpan(stream * hiddenSize + unitStart, units).Clear();
        }

        fixed (T* weightHh = WeightHh, dGates = dRecurrent, carry = _dHiddenCarry)
        {
            if (batchSize == 1)
            {
                UnitSlicedWeights<T>.BackwardSingle(weightHh, dGates, carry, gateSize, hiddenSize, unitStart, unitEnd);
            }
            else
            {
                _slices.Backward(dGates, batchSize, carry, part);
            }
        }

        if (gru)
        {
            GruCell<T>.CarryThroughUpdate(_gates.AsSpan(step * gateWidth, gateWidth), _dHiddenTotal, _dHiddenCarry, batchSize, hiddenSize, unitStart, unitEnd);
        }
    }

    /// <summary>
    /// Gates (B, G·H) of step <paramref name="step"/>, streams [<paramref name="streamStart"/>, <paramref name="streamEnd"/>),
    /// own columns: x·W_ihᵀ + b for one-hot x is row id of W_ihᵀ plus the bias.
    /// </summary>
    private void GatherInput(int step, int streamStart, int streamEnd, int unitStart, int unitEnd, Span<T> gates)
    {
        int batchSize = BatchSize, hiddenSize = HiddenSize, gateSize = Layout.GateSize, units = unitEnd - unitStart;
        bool transposed = SequenceLength * batchSize >= InputSize;
        ReadOnlySpan<T> weightIh = WeightIh;
        for (int stream = streamStart; stream < streamEnd; stream++)
        {
            int id = _inputIds[step * batchSize + stream];
            for (int gate = 0; gate < Layout.GateCount; gate++)
            {
                int column = gate * hiddenSize + unitStart;
                Span<T> target = gates.Slice(stream * gateSize + column, units);
                if (transposed)
                {
                    TensorPrimitives.Add(_weightIhTransposed.AsSpan(id * gateSize + column, units), _inputBias.AsSpan(column, units), target);
                }
                else
                {
                    for (int unit = 0; unit < units; unit++)
                    {
                        target[unit] = weightIh[(column + unit) * InputSize + id] + _inputBias[column + unit];
                    }
                }
            }
        }
    }

    /// <summary>Reports every step of the window just run, from the activations kept for the backward pass.</summary>
    private void ObserveForward(IForwardObserver<T> observer)
    {
        int width = BatchSize * HiddenSize, gateWidth = BatchSize * Layout.GateSize;
        bool hasGates = Layout.CellType != CellType.Rnn;   // the RNN's gate buffer holds its pre-activation; h_t is the output
        for (int step = 0; step < SequenceLength; step++)
        {
            observer.OnForwardStep(this, step, hasGates ? _gates.AsSpan(step * gateWidth, gateWidth) : [],
                Layout.HasCellState ? _cells.AsSpan((step + 1) * width, width) : [], _hidden.AsSpan((step + 1) * width, width));
        }
    }

    /// <summary>Reports step <paramref name="step"/>'s state gradients to the observer: only on the one-thread path.</summary>
    private void ObserveStep(int step)
    {
        int width = BatchSize * HiddenSize;
        ReadOnlySpan<T> dHidden = _dHiddenTotal.AsSpan(0, width), dCarried = _dHiddenCarry.AsSpan(0, width);
        if (Layout.HasCellState)
        {
            Span<T> dCell = _dCellTotal.AsSpan(0, width);
            LstmCell<T>.TotalCellGradient(_gates.AsSpan(step * BatchSize * Layout.GateSize, BatchSize * Layout.GateSize),
                _tanhCells.AsSpan(step * width, width), dHidden, _dCellCarry.AsSpan(0, width), dCell, BatchSize, HiddenSize);
            BackwardObserver!.OnBackwardStep(this, step, dHidden, dCarried, dCell, _dCellCarry.AsSpan(0, width));
        }
        else
        {
            BackwardObserver!.OnBackwardStep(this, step, dHidden, dCarried, [], []);
        }
    }

    /// <summary>
    /// Whether the cell adds b_hh together with b_ih in the input projection (LSTM, RNN: both biases simply add); the
    /// GRU keeps b_hh with the recurrent part because r multiplies it.
    /// </summary>
    private void PrepareInputBias()
    {
        if (Layout.CellType == CellType.Gru)
        {
            BiasIh.CopyTo(_inputBias);
        }
        else
        {
            TensorPrimitives.Add(BiasIh, BiasHh, _inputBias);
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

    private T[] OwnHidden(int sequenceLength, int batchSize)
    {
        int length = (sequenceLength + 1) * batchSize * HiddenSize;
        if (_ownHidden.Length < length)
        {
            _ownHidden = new T[length];
        }

        return _ownHidden;
    }

    private void Resize(int sequenceLength, int batchSize, T[] hidden)
    {
        int rows = sequenceLength * batchSize;
        int gateSize = Layout.GateSize;
        int rowCapacity = _gates.Length / gateSize;
        int batchCapacity = _dHiddenTotal.Length / HiddenSize;
        if (rowCapacity < rows || batchCapacity < batchSize)
        {
            // Workspaces grow only when a window needs more rows or streams than any before; the hot loop never allocates.
            rowCapacity = Math.Max(rows, rowCapacity);
            batchCapacity = Math.Max(batchSize, batchCapacity);
            int rowWidth = rowCapacity * HiddenSize, stateWidth = batchCapacity * HiddenSize;
            bool lstm = Layout.CellType == CellType.Lstm, gru = Layout.CellType == CellType.Gru;
            _gates = new T[rowCapacity * gateSize];
            // The LSTM's step t reads i, f, g, o only to make their own gradients, so those are written in place: a window
            // holds one (T, B, 4H) block instead of two (13 MB less at H = 256, B = 32, T = 100), and the backward pass
            // writes into lines it has just read.
            _dGates = lstm ? _gates : new T[rowCapacity * gateSize];
            _inputIds = new int[rowCapacity];
            _dHiddenCarry = new T[stateWidth];
            _dHiddenTotal = new T[stateWidth];
            _cells = lstm ? new T[rowWidth + stateWidth] : [];
            _tanhCells = lstm ? new T[rowWidth] : [];
            _dCellCarry = lstm ? new T[stateWidth] : [];
            _dCellTotal = lstm ? new T[stateWidth] : [];
            _hiddenGates = gru ? new T[rowCapacity * gateSize] : [];
            _dHiddenGates = gru ? new T[rowCapacity * gateSize] : [];
        }

        if (_slices is null || _slicesBatchSize != batchSize)
        {
            // Re-cut only when B changes (packing itself happens every window, chunk by chunk, on the workers).
            _slices = new UnitSlicedWeights<T>(Layout.GateCount, HiddenSize, UnitSlicedWeights<T>.Partition(batchSize, Layout.GateCount, HiddenSize));
            _slicesBatchSize = batchSize;
        }

        _hidden = hidden;
        SequenceLength = sequenceLength;
        _gatesOverwritten = false;
        BatchSize = batchSize;
    }

    private void CheckWindow(int sequenceLength, int batchSize, int inputLength, string inputName, T[] hidden, int inputWidth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ThrowHelper.CheckLength(inputLength, sequenceLength * batchSize * inputWidth, inputName);
        if (hidden.Length < (sequenceLength + 1) * batchSize * HiddenSize)
        {
            ThrowHelper.ThrowLengthMismatch(nameof(hidden), (sequenceLength + 1) * batchSize * HiddenSize, hidden.Length);
        }
    }

    /// <summary>The public forward entries' checks, once at the boundary: shapes, then overlap (the id or dense input is checked by its overload).</summary>
    private void CheckForwardSpans(ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, int sequenceLength, int batchSize, Span<T> output, Span<T> hN, Span<T> cN)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // The largest workspace is (T + 1)·B·max(G·H, I): a product past an array's length would wrap the length checks below.
        if ((sequenceLength + 1L) * batchSize * Math.Max(Layout.GateSize, InputSize) > Array.MaxLength)
        {
            ThrowHelper.ThrowOutOfRange(nameof(sequenceLength), sequenceLength,
                $"A window of T = {sequenceLength} steps for B = {batchSize} streams is too large for one array at this cell's size.");
        }

        ThrowHelper.CheckLength(output.Length, sequenceLength * batchSize * HiddenSize, nameof(output));
        CheckStateSpan(h0, batchSize, hasState: true, nameof(h0));
        CheckStateSpan(c0, batchSize, Layout.HasCellState, nameof(c0));
        CheckStateSpan(hN, batchSize, hasState: true, nameof(hN));
        CheckStateSpan(cN, batchSize, Layout.HasCellState, nameof(cN));
        // h0 and c0 are copied in before any step and the destinations written after the last: exact reuse is safe.
        SpanOverlap.CheckSources(h0, c0, default, output, nameof(output));
        SpanOverlap.CheckSources(h0, c0, default, hN, nameof(hN));
        SpanOverlap.CheckSources(h0, c0, default, cN, nameof(cN));
        SpanOverlap.CheckDestinations(output, nameof(output), hN, nameof(hN));
        SpanOverlap.CheckDestinations(output, nameof(output), cN, nameof(cN));
        SpanOverlap.CheckDestinations(hN, nameof(hN), cN, nameof(cN));
    }

    /// <summary>A state span is empty (zeros, or skip) or (B, H); a cell without that state takes only an empty one.</summary>
    private void CheckStateSpan(ReadOnlySpan<T> state, int batchSize, bool hasState, string paramName)
    {
        if (state.IsEmpty)
        {
            return;
        }

        if (!hasState)
        {
            ThrowHelper.ThrowArgument($"A {Layout.CellType} cell has no cell state: pass an empty span.", paramName);
        }

        ThrowHelper.CheckLength(state.Length, batchSize * HiddenSize, paramName);
    }

    private void CheckStates(CellState<T>? initial, CellState<T> final, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(final);
        CheckState(initial, batchSize, nameof(initial));
        CheckState(final, batchSize, nameof(final));
    }

    private void CheckState(CellState<T>? state, int batchSize, string paramName)
    {
        if (state is not null &&
            (state.Hidden.Length != batchSize * HiddenSize || state.Cell.Length != (Layout.HasCellState ? batchSize * HiddenSize : 0)))
        {
            ThrowHelper.ThrowArgument($"The state must be shaped for B = {batchSize}, H = {HiddenSize} and a {Layout.CellType} cell.", paramName);
        }
    }

    /// <summary>An empty source means zeros (PyTorch's <c>None</c>).</summary>
    private static void CopyOrClear(ReadOnlySpan<T> source, Span<T> destination)
    {
        if (source.IsEmpty)
        {
            destination.Clear();
        }
        else
        {
            source.CopyTo(destination);
        }
    }

    /// <summary>The forward pass of one window in stages: packing W_hh by units, then steps t = 1 … T, each cut into the same unit chunks.</summary>
    private sealed class ForwardWindow(RecurrentCell<T> cell) : IStagedWindow
    {
        public int StageCount => cell.SequenceLength + 1;

        public int ChunkCount => cell._slices!.PartCount;

        public void RunChunk(int stage, int chunk)
        {
            if (stage == 0)
            {
                cell.PackForward(chunk);
            }
            else
            {
                cell.ForwardStep(chunk, stage - 1);   // step t reads all of h_{t−1}: the stage before
            }
        }
    }

    /// <summary>
    /// The backward pass of one window in stages: packing, then one stage per step t = T − 1 … 0, then the carry into
    /// h_0. A chunk's stage first finishes step t + 1 for its own units, the carry dL/dh_t through W_hh (which reads the
    /// gate gradients of every unit, all made in the stage before), then makes step t's gate gradients of its own units
    /// (which read only its own units of that carry): one synchronisation per step.
    /// </summary>
    private sealed class BackwardWindow(RecurrentCell<T> cell) : IStagedWindow
    {
        public int StageCount => cell.SequenceLength + 2;

        public int ChunkCount => cell._slices!.PartCount;

        public void RunChunk(int stage, int chunk)
        {
            if (stage == 0)
            {
                cell.PackBackward(chunk);
                return;
            }

            int step = cell.SequenceLength - stage;   // −1 in the last stage: only the carry into h_0 is left
            if (step + 1 < cell.SequenceLength)
            {
                cell.CarryStep(chunk, step + 1);
            }

            if (step >= 0)
            {
                cell.TotalHiddenGradient(chunk, step);
                cell.GateGradientStep(chunk, step);
            }
        }

        /// <summary>With an observer: one thread, which sees every step's whole state gradients before the gate kernels change the carried dc.</summary>
        public void RunObserved()
        {
            int chunks = ChunkCount;
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                cell.PackBackward(chunk);
            }

            for (int step = cell.SequenceLength - 1; step >= 0; step--)
            {
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    cell.TotalHiddenGradient(chunk, step);
                }

                cell.ObserveStep(step);
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    cell.GateGradientStep(chunk, step);
                }

                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    cell.CarryStep(chunk, step);
                }
            }
        }
    }

    private void PackForward(int part)
    {
        if (BatchSize > 1)
        {
            _slices!.PackForward(WeightHh, part);
        }
    }

    private void PackBackward(int part)
    {
        if (BatchSize > 1)
        {
            _slices!.PackBackward(WeightHh, part);
        }
    }
}
