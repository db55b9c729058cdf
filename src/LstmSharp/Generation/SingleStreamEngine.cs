using LstmSharp.Kernels;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Generation;

/// <summary>
/// The fused B = 1 forward step that sampling runs once per character: for each layer, each chunk of hidden units
/// gathers its input (a column of W_ih for the character, or its rows of W_ih·x from the layer below), adds its rows of
/// W_hh·h_{t−1} and runs the cell's gate arithmetic for its own units; then the head turns the whole top h into logits.
/// The chunks are those of the training engine for B = 1 (<see cref="UnitSlicedWeights{T}.Partition"/>) and each does
/// the same arithmetic in the same order as <see cref="CharModel{T}.Predict"/> does for that chunk, so a character
/// costs no window set-up, no per-call checks and no fork/join, and gives the bits of <c>Predict</c> on the whole text.
/// Chunks run on <see cref="SingleStreamWorkers"/>, which stay awake between characters: one handoff per layer.
/// </summary>
/// <remarks>
/// The f32 engine reads the model's parameters in place, so it sees later changes as an inference view does. The
/// bfloat16 engine (<see cref="BFloat16Weights"/>) works on a rounded copy made when it is created.
/// </remarks>
internal sealed unsafe class SingleStreamEngine : IStagedWindow
{
    private readonly CharModel<float> _model;
    private readonly Layer[] _layers;
    private readonly int[] _boundaries;
    private readonly BFloat16Weights? _bf16;
    private int _id;
    private int _current;   // which of the two h (and c) buffers of every layer holds the state; the step writes the other

    /// <summary>Creates the engine over <paramref name="model"/> with a zero state.</summary>
    /// <param name="model">The model (an inference view: the engine keeps its own activations).</param>
    /// <param name="bfloat16">Whether to run on a bfloat16 copy of the weights.</param>
    public SingleStreamEngine(CharModel<float> model, bool bfloat16)
    {
        _model = model;
        CellLayout layout = model.Layers[0].Layout;
        _boundaries = UnitSlicedWeights<float>.Partition(1, layout.GateCount, model.HiddenSize);
        _layers = [.. model.Layers.Select(cell => new Layer(cell))];
        _bf16 = bfloat16 ? new BFloat16Weights(model) : null;
    }

    /// <summary>Whether the engine runs on bfloat16 weights.</summary>
    public bool IsBFloat16 => _bf16 is not null;

    /// <inheritdoc/>
    public int StageCount => _layers.Length;

    /// <inheritdoc/>
    public int ChunkCount => _boundaries.Length - 1;

    /// <summary>Feeds character <paramref name="id"/> and writes the logits of the next one.</summary>
    /// <param name="id">The character id, in [0, V).</param>
    /// <param name="logits">(V): receives the logits.</param>
    public void Step(int id, Span<float> logits)
    {
        _id = id;
        SingleStreamWorkers.Run(this, Gemm.MaxThreads);
        _current ^= 1;
        Logits(logits);
    }

    /// <summary>Writes the logits of the current state: b + W·h of the top layer's h.</summary>
    /// <param name="logits">(V): receives the logits.</param>
    public void Logits(Span<float> logits)
    {
        ReadOnlySpan<float> top = _layers[^1].Hidden[_current];
        if (_bf16 is null)
        {
            // A dot product per logit: the chain of Linear.Forward's few-rows path, without its call overhead.
            _model.Head.Bias.CopyTo(logits);
            fixed (float* weight = _model.Head.Weight, hidden = top, output = logits)
            {
                UnitSlicedWeights<float>.ForwardSingle(weight, hidden, output, 1, _model.HiddenSize, 0, logits.Length);
            }
        }
        else
        {
            _bf16.Head(top, logits);
        }
    }

    /// <summary>Copies <paramref name="state"/> into the engine.</summary>
    public void Load(ModelState<float> state)
    {
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            state.Layers[layer].Hidden.CopyTo(_layers[layer].Hidden[_current], 0);
            state.Layers[layer].Cell.CopyTo(_layers[layer].Cell[_current], 0);
        }
    }

    /// <summary>Copies the engine's state into <paramref name="state"/>.</summary>
    public void Store(ModelState<float> state)
    {
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            _layers[layer].Hidden[_current].CopyTo(state.Layers[layer].Hidden, 0);
            _layers[layer].Cell[_current].CopyTo(state.Layers[layer].Cell, 0);
        }
    }

    /// <inheritdoc/>
    public void RunChunk(int stage, int chunk)
    {
        Layer layer = _layers[stage];
        RecurrentCell<float> cell = layer.Cell0;
        CellLayout layout = cell.Layout;
        int hiddenSize = cell.HiddenSize, gateCount = layout.GateCount, inputSize = cell.InputSize;
        int unitStart = _boundaries[chunk], unitEnd = _boundaries[chunk + 1], units = unitEnd - unitStart;
        int next = _current ^ 1;
        bool gru = layout.CellType == CellType.Gru;
        Span<float> gates = layer.Gates;
        Span<float> recurrent = gru ? layer.HiddenGates : gates;   // receives h_{t−1}·W_hhᵀ (+ b_hh for the GRU)
        ReadOnlySpan<float> biasIh = cell.BiasIh, biasHh = cell.BiasHh;
        float[] previousHidden = layer.Hidden[_current];

        // The input part: (b_ih [+ b_hh]) + x·W_ihᵀ for this chunk's rows g·H + u, as RecurrentCell computes it.
        for (int gate = 0; gate < gateCount; gate++)
        {
            int first = gate * hiddenSize + unitStart;
            for (int row = first; row < first + units; row++)
            {
                float bias = gru ? biasIh[row] : biasIh[row] + biasHh[row];
                if (stage == 0)
                {
                    float weight = _bf16 is null ? cell.WeightIh[row * inputSize + _id] : _bf16.InputWeight(0, row, _id);
                    gates[row] = weight + bias;
                }
                else
                {
                    gates[row] = bias;
                }

                if (gru)
                {
                    recurrent[row] = biasHh[row];
                }
            }
        }

        fixed (float* weightIh = cell.WeightIh, weightHh = cell.WeightHh, target = gates, hidden = recurrent, previous = previousHidden)
        {
            if (stage > 0)
            {
                fixed (float* below = _layers[stage - 1].Hidden[next])
                {
                    if (_bf16 is null)
                    {
                        UnitSlicedWeights<float>.ForwardSingle(weightIh, below, target, gateCount, hiddenSize, unitStart, unitEnd);
                    }
                    else
                    {
                        _bf16.ForwardInput(stage, below, target, unitStart, unitEnd);
                    }
                }
            }

            if (_bf16 is null)
            {
                UnitSlicedWeights<float>.ForwardSingle(weightHh, previous, hidden, gateCount, hiddenSize, unitStart, unitEnd);
            }
            else
            {
                _bf16.ForwardRecurrent(stage, previous, hidden, unitStart, unitEnd);
            }
        }

        Span<float> output = layer.Hidden[next];
        switch (layout.CellType)
        {
            case CellType.Lstm:
                LstmCell<float>.ForwardStep(gates, layer.Cell[_current], layer.Cell[next], layer.TanhCell, output, hiddenSize, 0, 1, unitStart, unitEnd);
                break;
            case CellType.Gru:
                GruCell<float>.ForwardStep(gates, recurrent, previousHidden, output, 1, hiddenSize, unitStart, unitEnd);
                break;
            default:
                RnnCell<float>.ForwardStep(gates, output, 1, hiddenSize, unitStart, unitEnd);
                break;
        }
    }

    /// <summary>One layer's step buffers: two of h and c (the state and the next), the gates of one step.</summary>
    private sealed class Layer(RecurrentCell<float> cell)
    {
        public RecurrentCell<float> Cell0 { get; } = cell;

        public float[] Gates { get; } = new float[cell.Layout.GateSize];

        public float[] HiddenGates { get; } = cell.Layout.CellType == CellType.Gru ? new float[cell.Layout.GateSize] : [];

        public float[][] Hidden { get; } = [new float[cell.HiddenSize], new float[cell.HiddenSize]];

        public float[][] Cell { get; } = cell.Layout.HasCellState ? [new float[cell.HiddenSize], new float[cell.HiddenSize]] : [[], []];

        public float[] TanhCell { get; } = cell.Layout.HasCellState ? new float[cell.HiddenSize] : [];
    }
}
