using System.Numerics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Records, at every step t of a model's backward pass over a <see cref="GradientFlowProbe"/>, dL/dh_t of each layer
/// (in total and the part carried back from step t + 1) and, for an LSTM, dL/dc_t (likewise): the raw material of the
/// gradient-flow pictures.
/// </summary>
/// <typeparam name="T">The model's element type.</typeparam>
/// <remarks>
/// <see cref="Record(GradientFlowProbe, ModelState{T})"/> runs the probe forward and backward with the recorder as every layer's
/// <see cref="RecurrentCell{T}.BackwardObserver"/>, then restores the observers and the model's gradient buffers, so a
/// training run is not disturbed; the model's kept activations (of its last forward pass) are replaced. A recorder
/// serves one model and one thread.
/// </remarks>
public sealed class GradientFlowRecorder<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly CharModel<T> _model;
    private readonly Observer _observer;

    /// <summary>Creates a recorder for <paramref name="model"/>.</summary>
    /// <param name="model">The model whose layers to observe.</param>
    public GradientFlowRecorder(CharModel<T> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _observer = new Observer(model);
    }

    /// <summary>Runs <paramref name="probe"/> forward and backward through the model and returns the state gradients it saw.</summary>
    /// <param name="probe">The window.</param>
    /// <param name="initial">The state before the window; <see langword="null"/> means zeros.</param>
    /// <returns>The snapshot, with the window's loss.</returns>
    /// <exception cref="ArgumentException">An id is outside the vocabulary, or the state's shape does not match.</exception>
    public GradientFlowSnapshot Record(GradientFlowProbe probe, ModelState<T>? initial = null) => Record(probe, initial, null, null);

    internal GradientFlowSnapshot Record(GradientFlowProbe probe, ModelState<T>? initial, int? epoch, long? step)
    {
        ArgumentNullException.ThrowIfNull(probe);
        T[][] saved = [.. _model.ParameterBuffers.Select(buffer => (T[])buffer.Gradients.Clone())];
        var previous = new IBackwardObserver<T>?[_model.Layers.Count];
        for (int layer = 0; layer < previous.Length; layer++)
        {
            previous[layer] = _model.Layers[layer].BackwardObserver;
            _model.Layers[layer].BackwardObserver = _observer;
        }

        try
        {
            _observer.Reset();
            _model.ZeroGradients();
            var final = new ModelState<T>(_model, probe.BatchSize);
            double loss = double.CreateChecked(_model.Forward(probe.Inputs, probe.Targets, probe.SequenceLength, probe.BatchSize, initial, final, probe.LossMode));
            _model.Backward();
            return _observer.ToSnapshot(probe.LossMode, loss, epoch, step);
        }
        finally
        {
            for (int layer = 0; layer < previous.Length; layer++)
            {
                _model.Layers[layer].BackwardObserver = previous[layer];
            }

            int index = 0;
            foreach ((T[] _, T[] gradients) in _model.ParameterBuffers)
            {
                saved[index++].CopyTo(gradients, 0);
            }
        }
    }

    /// <summary>Copies each layer's state gradients, step by step, as the backward pass hands them over.</summary>
    private sealed class Observer(CharModel<T> model) : IBackwardObserver<T>
    {
        private readonly LayerRecord[] _records = [.. model.Layers.Select(layer => new LayerRecord(layer.Layout.HasCellState))];

        public void Reset()
        {
            foreach (LayerRecord record in _records)
            {
                record.StepsSeen = 0;
            }
        }

        public void OnBackwardStep(RecurrentCell<T> cell, int stepIndex, ReadOnlySpan<T> dHidden, ReadOnlySpan<T> dHiddenCarried,
            ReadOnlySpan<T> dCell, ReadOnlySpan<T> dCellCarried)
        {
            LayerRecord record = _records[LayerOf(cell)];
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

        public GradientFlowSnapshot ToSnapshot(LossMode lossMode, double loss, int? epoch, long? step)
        {
            var layers = new LayerGradientFlow[_records.Length];
            for (int layer = 0; layer < layers.Length; layer++)
            {
                LayerRecord record = _records[layer];
                if (record.SequenceLength == 0 || record.StepsSeen != record.SequenceLength)
                {
                    throw new InvalidOperationException($"Layer {layer} did not complete its backward pass.");
                }

                layers[layer] = new LayerGradientFlow(
                    Series(record, record.Hidden),
                    Series(record, record.HiddenCarried),
                    record.HasCell ? Series(record, record.Cell) : null,
                    record.HasCell ? Series(record, record.CellCarried) : null);
            }

            return new GradientFlowSnapshot(lossMode, loss, layers, epoch, step);
        }

        private int LayerOf(RecurrentCell<T> cell)
        {
            for (int layer = 0; layer < _records.Length; layer++)
            {
                if (ReferenceEquals(model.Layers[layer], cell))
                {
                    return layer;
                }
            }

            return ThrowHelper.ThrowArgument<int>("The cell is not a layer of the recorder's model.", nameof(cell));
        }

        private static StateGradientSeries Series(LayerRecord record, T[] buffer)
        {
            int sequenceLength = record.SequenceLength, width = record.BatchSize * record.HiddenSize;
            var norms = new double[sequenceLength];
            var values = new double[sequenceLength * width];
            for (int step = 0; step < sequenceLength; step++)
            {
                double sumOfSquares = 0;
                for (int index = step * width; index < (step + 1) * width; index++)
                {
                    double value = double.CreateChecked(buffer[index]);
                    sumOfSquares += value * value;
                    values[index] = value;
                }

                norms[step] = Math.Sqrt(sumOfSquares);
            }

            return new StateGradientSeries(norms, values, width);
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
}
