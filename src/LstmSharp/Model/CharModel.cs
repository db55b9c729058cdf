using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;

namespace LstmSharp.Model;

/// <summary>
/// A character-level language model: a stack of recurrent layers over one-hot characters, each layer's output
/// feeding the next, then a <see cref="Linear{T}"/> head to logits and a <see cref="SoftmaxLoss"/>. The state-dict
/// names match <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c> registered as <c>rnn</c> plus <c>nn.Linear</c> as <c>head</c>.
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> to train, <see cref="double"/> to check gradients.</typeparam>
/// <remarks>
/// A model keeps the activations of its last forward pass, so one instance serves one thread at a time. To run
/// inference on several threads at once, give each thread its own <see cref="Generation.Sampler"/> or call
/// <see cref="Generation.TextScorer"/>: each reads the model's parameters in place through a view with activations of
/// its own.
/// </remarks>
public sealed class CharModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RecurrentCell<T>[] _layers;
    // One activation block per layer, (T + 1, B, H): h_0, then h_1 … h_T, written by the layer's steps and read in place
    // by the layer above and the head (rows 1 … T), and by the layer's own backward pass (rows 0 … T − 1).
    private T[][] _hidden = [];
    private T[][] _dLayerOutputs = [];  // per layer (T, B, H): dL/dh_t from above
    private T[][] _dropoutMasks = [];   // per layer output (T, B, H), the top one before the head: 0 or 1/(1 − p)
    private T[][] _dropped = [];        // per layer output (T, B, H): mask ⊙ h, the next layer's (or the head's) input when dropout is on
    private T[] _denseInput = [];       // (T, B, V): the dense overload's input, read in place by layer 0
    private bool _dropoutActive;
    private readonly SeededRandom _dropoutRandom = new(0);
    private T[] _probabilities = [];    // (N, V), then dL/dlogits in place
    private int[] _targets = [];        // (N)
    private int _sequenceLength, _batchSize, _lossRows, _batchCapacity;
    private bool _backwardDone;         // the softmax rows (and an LSTM's gates) already hold their gradients
    private LossMode _lossMode;

    /// <summary>Creates a model with zero parameters; call <see cref="Initialize"/> before training.</summary>
    /// <param name="cellType">The recurrent cell.</param>
    /// <param name="vocabularySize">V: the number of distinct characters (the input and output width).</param>
    /// <param name="hiddenSize">H: the hidden size of every layer.</param>
    /// <param name="layerCount">The number of stacked layers.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public CharModel(CellType cellType, int vocabularySize, int hiddenSize, int layerCount = 1)
        : this(cellType, vocabularySize, hiddenSize, layerCount, null)
    {
    }

    private CharModel(CellType cellType, int vocabularySize, int hiddenSize, int layerCount, CharModel<T>? shared)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layerCount);
        ThrowHelper.CheckDefined(cellType, "Unknown cell type.");

        CellType = cellType;
        VocabularySize = vocabularySize;
        HiddenSize = hiddenSize;
        _layers = new RecurrentCell<T>[layerCount];
        for (int layer = 0; layer < layerCount; layer++)
        {
            int inputSize = layer == 0 ? vocabularySize : hiddenSize;
            T[]? parameters = shared?._layers[layer].Parameters;
            _layers[layer] = cellType switch
            {
                CellType.Lstm => new LstmCell<T>(inputSize, hiddenSize, parameters),
                CellType.Gru => new GruCell<T>(inputSize, hiddenSize, parameters),
                _ => new RnnCell<T>(inputSize, hiddenSize, parameters),
            };
        }

        Head = new Linear<T>(hiddenSize, vocabularySize, shared?.Head.Parameters);
        Tensors =
        [
            .. _layers.SelectMany((cell, layer) => cell.Tensors(layer).Select(spec =>
                new ModelTensor<T>("rnn." + spec.Name, spec.Shape, cell.Parameters, cell.Gradients, spec.Offset))),
            .. Head.Tensors.Select(spec => new ModelTensor<T>("head." + spec.Name, spec.Shape, Head.Parameters, Head.Gradients, spec.Offset)),
        ];
    }

    /// <summary>
    /// A model that reads this model's parameters in place (no copy) and keeps its own activations, so that several
    /// threads can run inference (sampling, scoring) on one trained model at once, each through its own view. A view
    /// cannot be trained, and it sees any later change to the parameters.
    /// </summary>
    /// <returns>The view.</returns>
    internal CharModel<T> CreateInferenceView() => new(CellType, VocabularySize, HiddenSize, _layers.Length, this);

    /// <summary>Whether this model is an inference view of another (see <see cref="CreateInferenceView"/>).</summary>
    internal bool IsInferenceView => Head.Gradients.Length == 0;

    /// <summary>The recurrent cell.</summary>
    public CellType CellType { get; }

    /// <summary>V: the vocabulary size.</summary>
    public int VocabularySize { get; }

    /// <summary>H: the hidden size of every layer.</summary>
    public int HiddenSize { get; }

    /// <summary>The recurrent layers, bottom first.</summary>
    public IReadOnlyList<RecurrentCell<T>> Layers => _layers;

    /// <summary>The projection from the top layer's h to logits, PyTorch's <c>head</c>.</summary>
    public Linear<T> Head { get; }

    /// <summary>Every named tensor, in state-dict order: <c>rnn.weight_ih_l0</c> … <c>head.bias</c>.</summary>
    public IReadOnlyList<ModelTensor<T>> Tensors { get; }

    /// <summary>The flat parameter buffers with their gradient buffers (one pair per layer, then the head), for optimizers.</summary>
    public IEnumerable<(T[] Parameters, T[] Gradients)> ParameterBuffers =>
        _layers.Select(layer => (layer.Parameters, layer.Gradients)).Append((Head.Parameters, Head.Gradients));

    /// <summary>The total number of parameters.</summary>
    public int ParameterCount => ParameterBuffers.Sum(buffer => buffer.Parameters.Length);

    /// <summary>
    /// Draws every parameter from <paramref name="initialization"/>'s distribution, tensor by tensor in state-dict order
    /// from one stream (each layer as <see cref="RecurrentCell{T}.Initialize"/> draws it, then the head as
    /// <see cref="Linear{T}.Initialize"/> does).
    /// </summary>
    /// <param name="initialization">The scheme.</param>
    /// <param name="seed">The seed: the same seed gives the same parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialization"/> is not a defined scheme.</exception>
    /// <exception cref="InvalidOperationException">This model is an inference view.</exception>
    public void Initialize(Initialization initialization, ulong seed)
    {
        ParameterDraw.CheckInitialize(initialization, IsInferenceView, nameof(initialization));
        var random = new SeededRandom(seed);
        foreach (RecurrentCell<T> layer in _layers)
        {
            layer.Draw(initialization, random);
        }

        Head.Draw(initialization, random);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients()
    {
        foreach (RecurrentCell<T> layer in _layers)
        {
            layer.ZeroGradients();
        }

        Head.ZeroGradients();
    }

    /// <summary>Runs a window of character ids through the model and returns the mean cross-entropy.</summary>
    /// <param name="inputs">(T, B): input ids, time-major.</param>
    /// <param name="targets">(T, B) for <see cref="LossMode.EveryStep"/>, or (B) for <see cref="LossMode.LastStep"/>: target ids.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="initial">The state before the window; <see langword="null"/> means zeros.</param>
    /// <param name="final">Receives the state after the window (may be the same object as <paramref name="initial"/>).</param>
    /// <param name="lossMode">Which steps carry loss.</param>
    /// <param name="dropout">Dropout between stacked layers and before the head for this window; <see langword="null"/> for none (evaluation).</param>
    /// <returns>The mean loss in nats per prediction.</returns>
    /// <exception cref="ArgumentException">A length, id or state shape does not match.</exception>
    public T Forward(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int sequenceLength, int batchSize,
        ModelState<T>? initial, ModelState<T> final, LossMode lossMode = LossMode.EveryStep, Dropout? dropout = null)
    {
        PrepareWindow(targets, sequenceLength, batchSize, initial, final, lossMode, dropout);
        _layers[0].ForwardInto(inputs, sequenceLength, batchSize, initial?.Layers[0], _hidden[0], final.Layers[0]);
        return ForwardUpperLayers(initial, final);
    }

    /// <summary>
    /// Runs a window of dense input vectors (one-hot or otherwise) through the model and returns the mean
    /// cross-entropy. Used to differentiate with respect to the input, as connectivity and gradient checks do.
    /// </summary>
    /// <param name="inputs">(T, B, V): input vectors, time-major.</param>
    /// <param name="targets">(T, B) or (B): target ids, as in the id overload.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="initial">The state before the window; <see langword="null"/> means zeros.</param>
    /// <param name="final">Receives the state after the window.</param>
    /// <param name="lossMode">Which steps carry loss.</param>
    /// <param name="dropout">Dropout between stacked layers and before the head for this window; <see langword="null"/> for none.</param>
    /// <returns>The mean loss in nats per prediction.</returns>
    /// <exception cref="ArgumentException">A length or state shape does not match.</exception>
    public T Forward(ReadOnlySpan<T> inputs, ReadOnlySpan<int> targets, int sequenceLength, int batchSize,
        ModelState<T>? initial, ModelState<T> final, LossMode lossMode = LossMode.EveryStep, Dropout? dropout = null)
    {
        ThrowHelper.CheckLength(inputs.Length, sequenceLength * batchSize * VocabularySize, nameof(inputs));
        PrepareWindow(targets, sequenceLength, batchSize, initial, final, lossMode, dropout);
        if (_denseInput.Length < inputs.Length)
        {
            _denseInput = new T[inputs.Length];
        }

        inputs.CopyTo(_denseInput);
        _layers[0].ForwardInto(_denseInput.AsMemory(0, inputs.Length), sequenceLength, batchSize, initial?.Layers[0], _hidden[0], final.Layers[0]);
        return ForwardUpperLayers(initial, final);
    }

    /// <summary>
    /// Runs a window of character ids through the model without a loss and writes the logits of every step: the
    /// inference path of sampling and scoring.
    /// </summary>
    /// <param name="inputs">(T, B): input ids, time-major.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="initial">The state before the window; <see langword="null"/> means zeros.</param>
    /// <param name="final">Receives the state after the window (may be the same object as <paramref name="initial"/>).</param>
    /// <param name="logits">(T, B, V): receives the logits of the next character after each step.</param>
    /// <exception cref="ArgumentException">A length, id or state shape does not match.</exception>
    public void Predict(ReadOnlySpan<int> inputs, int sequenceLength, int batchSize, ModelState<T>? initial, ModelState<T> final, Span<T> logits)
    {
        ThrowHelper.CheckLength(logits.Length, sequenceLength * batchSize * VocabularySize, nameof(logits));
        PrepareWindow(ReadOnlySpan<int>.Empty, sequenceLength, batchSize, initial, final, LossMode.EveryStep, null);
        _layers[0].ForwardInto(inputs, sequenceLength, batchSize, initial?.Layers[0], _hidden[0], final.Layers[0]);
        int windowWidth = sequenceLength * batchSize * HiddenSize;
        ForwardHidden(initial, final, windowWidth);
        Head.Forward(_hidden[^1].AsSpan(batchSize * HiddenSize, windowWidth), sequenceLength * batchSize, logits);
    }

    /// <summary>
    /// <see cref="Predict"/> without the head: only the state moves on (a sampler's prime, which needs the logits of
    /// the last step alone and computes them from <paramref name="final"/>).
    /// </summary>
    internal void Advance(ReadOnlySpan<int> inputs, int sequenceLength, int batchSize, ModelState<T>? initial, ModelState<T> final)
    {
        PrepareWindow(ReadOnlySpan<int>.Empty, sequenceLength, batchSize, initial, final, LossMode.EveryStep, null);
        _layers[0].ForwardInto(inputs, sequenceLength, batchSize, initial?.Layers[0], _hidden[0], final.Layers[0]);
        ForwardHidden(initial, final, sequenceLength * batchSize * HiddenSize);
    }

    /// <summary>
    /// The reverse of the last forward pass:
    /// adds into every gradient buffer.
    /// </summary>
    /// <param name="dFinal">dL/d(final state) from beyond the window; <see langword="null"/> means zeros (truncated BPTT).</param>
    /// <param name="dInputs">(T, B, V): receives dL/d(one-hot input); empty to skip.</param>
    /// <param name="dInitial">Receives dL/d(initial state); <see langword="null"/> to skip.</param>
    /// <exception cref="InvalidOperationException">
    /// No forward pass with targets has run, the last one has had its backward pass already (the softmax and the LSTM's
    /// gates are turned into their gradients in place), or this model is an inference view.
    /// </exception>
    public void Backward(ModelState<T>? dFinal = null, Span<T> dInputs = default, ModelState<T>? dInitial = null)
    {
        if (_lossRows == 0)
        {
            throw new InvalidOperationException("Backward needs a forward pass with targets first (Predict has no loss to differentiate).");
        }

        if (IsInferenceView)
        {
            throw new InvalidOperationException("This model is an inference view and cannot be trained.");
        }

        if (_backwardDone)
        {
            throw new InvalidOperationException("The last forward pass has had its backward pass: run Forward again before another Backward.");
        }

        _backwardDone = true;

        long started = StepProfiler.Start();
        int width = _batchSize * HiddenSize, rows = _lossRows;
        SoftmaxLoss.Backward<T>(_probabilities.AsSpan(0, rows * VocabularySize), _targets.AsSpan(0, rows), _probabilities.AsSpan(0, rows * VocabularySize));
        // The head reads the top layer's block in place and writes dL/dh straight into the top layer's output gradient.
        int top = _layers.Length - 1;
        Span<T> dTop = _dLayerOutputs[top].AsSpan(0, _sequenceLength * width);
        Span<T> dHeadInput = _lossMode == LossMode.EveryStep ? dTop : dTop[((_sequenceLength - 1) * width)..];
        if (_lossMode != LossMode.EveryStep)
        {
            dTop.Clear();
        }

        Head.Backward(HeadInput(), _probabilities.AsSpan(0, rows * VocabularySize), rows, dHeadInput);
        if (_dropoutActive)
        {
            TensorPrimitives.Multiply(dTop, _dropoutMasks[top].AsSpan(0, dTop.Length), dTop);
        }

        StepProfiler.Stop(StepPhase.HeadBackward, started);

        for (int layer = top; layer >= 0; layer--)
        {
            Span<T> dBelow = layer > 0 ? _dLayerOutputs[layer - 1].AsSpan(0, _sequenceLength * width) : dInputs;
            CellState<T>? dLayerFinal = dFinal?.Layers[layer], dLayerInitial = dInitial?.Layers[layer];
            _layers[layer].Backward(_dLayerOutputs[layer].AsSpan(0, _sequenceLength * width), CellState<T>.HiddenOf(dLayerFinal), CellState<T>.CellOf(dLayerFinal),
                dBelow, CellState<T>.HiddenOf(dLayerInitial), CellState<T>.CellOf(dLayerInitial));
            if (layer > 0 && _dropoutActive)
            {
                TensorPrimitives.Multiply(dBelow, _dropoutMasks[layer - 1].AsSpan(0, dBelow.Length), dBelow);
            }
        }
    }

    private void PrepareWindow(ReadOnlySpan<int> targets, int sequenceLength, int batchSize, ModelState<T>? initial, ModelState<T> final,
        LossMode lossMode, Dropout? dropout)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(final);
        ThrowHelper.CheckDefined(lossMode, "Unknown loss mode.");

        // Empty targets: an inference pass (Predict), with no loss rows.
        int lossRows = targets.IsEmpty ? 0 : lossMode == LossMode.EveryStep ? sequenceLength * batchSize : batchSize;
        ThrowHelper.CheckLength(targets.Length, lossRows, nameof(targets));
        CheckModelState(initial, batchSize, nameof(initial));
        CheckModelState(final, batchSize, nameof(final));

        int width = sequenceLength * batchSize * HiddenSize;
        if (_hidden.Length == 0 || _dLayerOutputs[0].Length < width || _batchCapacity < batchSize || _probabilities.Length < lossRows * VocabularySize)
        {
            // Grown once per larger window shape and reused: the training loop itself never allocates.
            int capacity = Math.Max(width, _dLayerOutputs.Length == 0 ? 0 : _dLayerOutputs[0].Length);
            int rowCapacity = Math.Max(sequenceLength * batchSize, _targets.Length);
            int blockCapacity = capacity + Math.Max(batchSize, _batchCapacity) * HiddenSize;   // one more row: h_0
            _batchCapacity = Math.Max(batchSize, _batchCapacity);
            _hidden = [.. _layers.Select(_ => new T[blockCapacity])];
            _dLayerOutputs = [.. _layers.Select(_ => new T[capacity])];
            _dropoutMasks = [.. _layers.Select(_ => new T[capacity])];
            _dropped = [.. _layers.Select(_ => new T[capacity])];
            _probabilities = new T[rowCapacity * VocabularySize];
            _targets = new int[rowCapacity];
        }

        targets.CopyTo(_targets);
        _dropoutActive = dropout is { Rate: > 0 };
        if (_dropoutActive)
        {
            // One mask per layer output (between layers, then before the head), drawn from the window's own seed: the same seed gives the same mask,
            // so a window can be replayed exactly (resume, finite differences).
            _dropoutRandom.Reseed(dropout!.Value.Seed);
            foreach (T[] mask in _dropoutMasks)
            {
                DrawMask(_dropoutRandom, dropout.Value.Rate, mask.AsSpan(0, width));
            }
        }

        _sequenceLength = sequenceLength;
        _batchSize = batchSize;
        _lossRows = lossRows;
        _backwardDone = false;
        _lossMode = lossMode;
    }

    /// <summary>
    /// mask[i] = 0 where the i-th draw of <paramref name="random"/> falls below p, else 1/(1 − p). A draw's NextDouble is
    /// (bits ≫ 11)·2⁻⁵³, so comparing the integer bits ≫ 11 with ⌈p·2⁵³⌉ gives the same elements without the conversion.
    /// </summary>
    internal static void DrawMask(SeededRandom random, double rate, Span<T> mask)
    {
        ulong threshold = (ulong)Math.Ceiling(rate * (1UL << 53));
        T keep = T.One / T.CreateChecked(1.0 - rate);
        Span<ulong> draws = stackalloc ulong[1024];
        for (int start = 0; start < mask.Length; start += draws.Length)
        {
            Span<T> block = mask[start..Math.Min(mask.Length, start + draws.Length)];
            random.NextUInt64(draws[..block.Length]);
            for (int index = 0; index < block.Length; index++)
            {
                block[index] = keep * T.CreateTruncating(draws[index] >> 11 >= threshold ? 1 : 0);   // no branch: half the draws drop
            }
        }
    }

    private T ForwardUpperLayers(ModelState<T>? initial, ModelState<T> final)
    {
        int width = _batchSize * HiddenSize;
        int windowWidth = _sequenceLength * width;
        ForwardHidden(initial, final, windowWidth);

        if (_dropoutActive)
        {
            LayerOutput(_layers.Length - 1);   // the mask before the head, into the top layer's dropout buffer
        }

        long started = StepProfiler.Start();
        ReadOnlySpan<T> headInput = HeadInput();
        Span<T> logits = _probabilities.AsSpan(0, _lossRows * VocabularySize);
        Head.Forward(headInput, _lossRows, logits);
        T loss = SoftmaxLoss.Forward<T>(logits, _targets.AsSpan(0, _lossRows), logits);
        StepProfiler.Stop(StepPhase.HeadForward, started);
        return loss;
    }

    private void ForwardHidden(ModelState<T>? initial, ModelState<T> final, int windowWidth)
    {
        for (int layer = 1; layer < _layers.Length; layer++)
        {
            _layers[layer].ForwardInto(LayerOutput(layer - 1), _sequenceLength, _batchSize, initial?.Layers[layer], _hidden[layer], final.Layers[layer]);
        }
    }

    /// <summary>
    /// (T, B, H): what the layer above (or the head) reads from layer <paramref name="layer"/>: h_1 … h_T in place, or,
    /// with dropout on, mask ⊙ h in the layer's dropout buffer (char-rnn's dropout between layers and before the head).
    /// </summary>
    private ReadOnlyMemory<T> LayerOutput(int layer)
    {
        int windowWidth = _sequenceLength * _batchSize * HiddenSize;
        ReadOnlyMemory<T> output = _hidden[layer].AsMemory(_batchSize * HiddenSize, windowWidth);
        if (!_dropoutActive)
        {
            return output;
        }

        long started = StepProfiler.Start();
        TensorPrimitives.Multiply(output.Span, _dropoutMasks[layer].AsSpan(0, windowWidth), _dropped[layer].AsSpan(0, windowWidth));
        StepProfiler.Stop(StepPhase.Dropout, started);
        return _dropped[layer].AsMemory(0, windowWidth);
    }

    /// <summary>(N, H): the rows of the top layer's output that carry loss, read in place: every step, or the last only.</summary>
    private ReadOnlySpan<T> HeadInput()
    {
        int width = _batchSize * HiddenSize;
        ReadOnlySpan<T> top = _dropoutActive ? _dropped[^1].AsSpan(0, _sequenceLength * width) : _hidden[^1].AsSpan(width, _sequenceLength * width);
        return _lossMode == LossMode.EveryStep ? top : top[((_sequenceLength - 1) * width)..];
    }

    private void CheckModelState(ModelState<T>? state, int batchSize, string paramName)
    {
        if (state is not null && (state.Layers.Count != _layers.Length || state.BatchSize != batchSize))
        {
            ThrowHelper.ThrowArgument($"The state must have {_layers.Length} layers and B = {batchSize}.", paramName);
        }
    }
}
