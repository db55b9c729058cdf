using System.Numerics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Records, at every step t of a model's backward pass, dL/dh_t of each layer (in total and the part carried back from
/// step t + 1) and, for an LSTM, dL/dc_t (likewise): the raw material of the gradient-flow pictures.
/// </summary>
/// <typeparam name="T">The model's element type.</typeparam>
/// <remarks>
/// <para>
/// Either call <see cref="RecordWindow"/>, which does everything on one window and leaves the model's gradient buffers as
/// it found them, or <see cref="Attach"/> the recorder, run the model's <c>Backward</c> yourself, take
/// <see cref="ToSnapshot"/> and <see cref="Detach"/>. While attached, each layer's latest backward pass replaces the
/// one before.
/// </para>
/// <para>A recorder serves one model and one thread.</para>
/// </remarks>
public sealed class GradientFlowRecorder<T> : IBackwardObserver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly CharModel<T> _model;
    private readonly IBackwardObserver<T>?[] _previousObservers;
    private readonly LayerRecord[] _records;
    private bool _attached;

    /// <summary>Creates a recorder for <paramref name="model"/>; it records nothing until attached.</summary>
    /// <param name="model">The model whose layers to observe.</param>
    /// <param name="options">What to keep; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The histogram options are invalid.</exception>
    public GradientFlowRecorder(CharModel<T> model, GradientFlowOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new GradientFlowOptions();
        Options.Histogram.Validate();
        _model = model;
        _previousObservers = new IBackwardObserver<T>?[model.Layers.Count];
        _records = [.. model.Layers.Select(layer => new LayerRecord(layer.Layout.HasCellState))];
    }

    /// <summary>What the recorder keeps.</summary>
    public GradientFlowOptions Options { get; }

    /// <summary>Whether the recorder is set as every layer's <see cref="RecurrentCell{T}.BackwardObserver"/>.</summary>
    public bool IsAttached => _attached;

    /// <summary>Sets the recorder as every layer's backward observer, remembering the observers it replaces; forgets any earlier recording.</summary>
    /// <exception cref="InvalidOperationException">The recorder is already attached.</exception>
    public void Attach()
    {
        if (_attached)
        {
            throw new InvalidOperationException("The recorder is already attached.");
        }

        for (int layer = 0; layer < _records.Length; layer++)
        {
            _previousObservers[layer] = _model.Layers[layer].BackwardObserver;
            _model.Layers[layer].BackwardObserver = this;
            _records[layer].StepsSeen = 0;
        }

        _attached = true;
    }

    /// <summary>Restores the observers <see cref="Attach"/> replaced. Does nothing when not attached.</summary>
    public void Detach()
    {
        if (!_attached)
        {
            return;
        }

        for (int layer = 0; layer < _records.Length; layer++)
        {
            _model.Layers[layer].BackwardObserver = _previousObservers[layer];
            _previousObservers[layer] = null;
        }

        _attached = false;
    }

    /// <inheritdoc/>
    public void OnBackwardStep(RecurrentCell<T> cell, int stepIndex, ReadOnlySpan<T> dHidden, ReadOnlySpan<T> dHiddenCarried,
        ReadOnlySpan<T> dCell, ReadOnlySpan<T> dCellCarried)
    {
        ArgumentNullException.ThrowIfNull(cell);
        int layer = LayerOf(cell);
        LayerRecord record = _records[layer];
        int width = cell.BatchSize * cell.HiddenSize;
        if (stepIndex == cell.SequenceLength - 1)
        {
            // The first call of a backward pass (steps run T − 1 … 0): size the record for this window.
            record.Start(cell.SequenceLength, cell.BatchSize, cell.HiddenSize);
        }

        int offset = stepIndex * width;
        dHidden.CopyTo(record.Hidden.AsSpan(offset, width));
        dHiddenCarried.CopyTo(record.HiddenCarried.AsSpan(offset, width));
        if (record.HasCell)
        {
            dCell.CopyTo(record.Cell.AsSpan(offset, width));
            dCellCarried.CopyTo(record.CellCarried.AsSpan(offset, width));
        }

        record.StepsSeen++;
    }

    /// <summary>Builds a snapshot from the last complete backward pass of every layer.</summary>
    /// <param name="loss">The window's loss, if known, stored in the snapshot.</param>
    /// <param name="lossMode">Which steps carried loss in that pass.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="InvalidOperationException">A layer has not completed a backward pass since <see cref="Attach"/>.</exception>
    public GradientFlowSnapshot ToSnapshot(double loss = double.NaN, LossMode lossMode = LossMode.LastStep)
    {
        var layers = new LayerGradientFlow[_records.Length];
        for (int layer = 0; layer < layers.Length; layer++)
        {
            LayerRecord record = _records[layer];
            if (record.SequenceLength == 0 || record.StepsSeen != record.SequenceLength)
            {
                throw new InvalidOperationException($"Layer {layer} has not completed a backward pass while the recorder was attached.");
            }

            layers[layer] = new LayerGradientFlow(layer,
                Series("dh", record, record.Hidden),
                Series("dh_carried", record, record.HiddenCarried),
                record.HasCell ? Series("dc", record, record.Cell) : null,
                record.HasCell ? Series("dc_carried", record, record.CellCarried) : null);
        }

        LayerRecord first = _records[0];
        return new GradientFlowSnapshot(_model.CellType, first.SequenceLength, first.BatchSize, _model.HiddenSize, lossMode, loss, layers);
    }

    /// <summary>
    /// Runs <paramref name="inputs"/> forward and backward through the model with the recorder attached and returns what
    /// it saw. The model's gradient buffers are saved first and restored after, so a training run is not disturbed; its
    /// kept activations (of the last forward pass) are replaced.
    /// </summary>
    /// <param name="inputs">(T, B): input ids, time-major.</param>
    /// <param name="targets">(T, B) for <see cref="LossMode.EveryStep"/>, (B) for <see cref="LossMode.LastStep"/>.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="lossMode">Which steps carry loss. <see cref="LossMode.LastStep"/> (the default) puts step t at distance T − 1 − t from the loss.</param>
    /// <param name="initial">The state before the window; <see langword="null"/> means zeros.</param>
    /// <returns>The snapshot, with the window's loss.</returns>
    /// <exception cref="ArgumentException">A length, id or state shape does not match.</exception>
    /// <exception cref="InvalidOperationException">The recorder is already attached.</exception>
    public GradientFlowSnapshot RecordWindow(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int sequenceLength, int batchSize,
        LossMode lossMode = LossMode.LastStep, ModelState<T>? initial = null)
    {
        T[][] saved = [.. _model.ParameterBuffers.Select(buffer => (T[])buffer.Gradients.Clone())];
        Attach();
        try
        {
            _model.ZeroGradients();
            var final = new ModelState<T>(_model, batchSize);
            double loss = double.CreateChecked(_model.Forward(inputs, targets, sequenceLength, batchSize, initial, final, lossMode));
            _model.Backward();
            return ToSnapshot(loss, lossMode);
        }
        finally
        {
            Detach();
            int index = 0;
            foreach ((T[] _, T[] gradients) in _model.ParameterBuffers)
            {
                saved[index++].CopyTo(gradients, 0);
            }
        }
    }

    private int LayerOf(RecurrentCell<T> cell)
    {
        for (int layer = 0; layer < _records.Length; layer++)
        {
            if (ReferenceEquals(_model.Layers[layer], cell))
            {
                return layer;
            }
        }

        return ThrowHelper.ThrowArgument<int>("The cell is not a layer of the recorder's model.", nameof(cell));
    }

    private StateGradientSeries Series(string name, LayerRecord record, T[] buffer)
    {
        int sequenceLength = record.SequenceLength, width = record.BatchSize * record.HiddenSize;
        var norms = new double[sequenceLength];
        var histograms = new Histogram[sequenceLength];
        double[] values = Options.KeepValues ? new double[sequenceLength * width] : [];
        for (int step = 0; step < sequenceLength; step++)
        {
            ReadOnlySpan<T> stepValues = buffer.AsSpan(step * width, width);
            var histogram = new Histogram(Options.Histogram);
            double sumOfSquares = 0;
            for (int index = 0; index < width; index++)
            {
                double value = double.CreateChecked(stepValues[index]);
                sumOfSquares += value * value;
                histogram.Add(value);
                if (values.Length != 0)
                {
                    values[step * width + index] = value;
                }
            }

            norms[step] = Math.Sqrt(sumOfSquares);
            histograms[step] = histogram;
        }

        return new StateGradientSeries(name, sequenceLength, record.BatchSize, record.HiddenSize, norms, histograms, values);
    }

    /// <summary>The raw state gradients of one layer's last backward pass, each (T, B, H).</summary>
    private sealed class LayerRecord(bool hasCell)
    {
        public bool HasCell { get; } = hasCell;
        public int SequenceLength { get; private set; }
        public int BatchSize { get; private set; }
        public int HiddenSize { get; private set; }
        public int StepsSeen { get; set; }
        public T[] Hidden { get; private set; } = [];
        public T[] HiddenCarried { get; private set; } = [];
        public T[] Cell { get; private set; } = [];
        public T[] CellCarried { get; private set; } = [];

        public void Start(int sequenceLength, int batchSize, int hiddenSize)
        {
            int count = sequenceLength * batchSize * hiddenSize;
            if (Hidden.Length != count)
            {
                Hidden = new T[count];
                HiddenCarried = new T[count];
                Cell = HasCell ? new T[count] : [];
                CellCarried = HasCell ? new T[count] : [];
            }

            SequenceLength = sequenceLength;
            BatchSize = batchSize;
            HiddenSize = hiddenSize;
            StepsSeen = 0;
        }
    }
}
