using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Diagnostics;

public sealed class ForwardObserverTests
{
    private const int Vocabulary = 7, Hidden = 5, Steps = 6, Batch = 3, Layers = 2;

    /// <summary>Copies of what an observer saw: per layer, per step, the gates, c and h of every stream.</summary>
    internal sealed class Recording<T> : IForwardObserver<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        private readonly IReadOnlyList<RecurrentCell<T>> _layers;

        public Recording(IReadOnlyList<RecurrentCell<T>> layers)
        {
            _layers = layers;
            Steps = [.. layers.Select(_ => new List<(T[] Gates, T[] Cell, T[] Hidden)>())];
            foreach (RecurrentCell<T> layer in layers)
            {
                layer.ForwardObserver = this;
            }
        }

        public List<(T[] Gates, T[] Cell, T[] Hidden)>[] Steps { get; }

        public void OnForwardStep(RecurrentCell<T> cell, int stepIndex, ReadOnlySpan<T> gates, ReadOnlySpan<T> cellState, ReadOnlySpan<T> hidden)
        {
            int layer = _layers.ToList().IndexOf(cell);
            Assert.True(layer >= 0);
            Assert.Equal(Steps[layer].Count % cell.SequenceLength, stepIndex);
            Steps[layer].Add((gates.ToArray(), cellState.ToArray(), hidden.ToArray()));
        }
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Forward_AnyCell_RecordedActivationsEqualDirectRecomputation(CellType cellType)
    {
        var model = new CharModel<double>(cellType, Vocabulary, Hidden, Layers);
        model.Initialize(Initialization.PyTorchUniform, 21);
        var random = new SeededRandom(4);
        int[] inputs = [.. Enumerable.Range(0, Steps * Batch).Select(_ => random.NextInt(Vocabulary))];
        int[] targets = [.. Enumerable.Range(0, Steps * Batch).Select(_ => random.NextInt(Vocabulary))];
        var initial = new ModelState<double>(model, Batch);
        foreach (CellState<double> state in initial.Layers)
        {
            for (int index = 0; index < state.Hidden.Length; index++)
            {
                state.Hidden[index] = random.NextDouble() - 0.5;
            }

            for (int index = 0; index < state.Cell.Length; index++)
            {
                state.Cell[index] = 2 * random.NextDouble() - 1;
            }
        }

        var recording = new Recording<double>(model.Layers);
        model.Forward(inputs, targets, Steps, Batch, initial, new ModelState<double>(model, Batch));

        int gateCount = cellType == CellType.Rnn ? 0 : model.Layers[0].Layout.GateCount;
        double[][] below = [];   // (T·B)(H): the layer below's h, the input of the next layer
        for (int layer = 0; layer < Layers; layer++)
        {
            Assert.Equal(Steps, recording.Steps[layer].Count);
            RecurrentCell<double> cell = model.Layers[layer];
            double[] h = [.. initial.Layers[layer].Hidden], c = [.. initial.Layers[layer].Cell];
            var outputs = new double[Steps * Batch][];
            for (int step = 0; step < Steps; step++)
            {
                (double[] gates, double[] cellState, double[] hidden) = recording.Steps[layer][step];
                Assert.Equal(Batch * gateCount * Hidden, gates.Length);
                Assert.Equal(cellType == CellType.Lstm ? Batch * Hidden : 0, cellState.Length);
                for (int stream = 0; stream < Batch; stream++)
                {
                    int row = step * Batch + stream;
                    double[] x = layer == 0 ? OneHot(inputs[row]) : below[row];
                    double[] previous = h.AsSpan(stream * Hidden, Hidden).ToArray();
                    (double[] expectedGates, double[] expectedCell, double[] expectedHidden) =
                        Step(cell, cellType, x, previous, cellType == CellType.Lstm ? c.AsSpan(stream * Hidden, Hidden).ToArray() : []);
                    AssertClose(expectedGates, gates.AsSpan(stream * gateCount * Hidden, gateCount * Hidden).ToArray());
                    AssertClose(expectedHidden, hidden.AsSpan(stream * Hidden, Hidden).ToArray());
                    if (cellType == CellType.Lstm)
                    {
                        AssertClose(expectedCell, cellState.AsSpan(stream * Hidden, Hidden).ToArray());
                        expectedCell.CopyTo(c, stream * Hidden);
                    }

                    expectedHidden.CopyTo(h, stream * Hidden);
                    outputs[row] = expectedHidden;
                }
            }

            below = outputs;
        }
    }

    [Fact]
    public void Train_WithForwardObserver_BitIdenticalToWithout()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(6));
        var options = new TrainingOptions { SequenceLength = 16, BatchSize = 4, MaxEpochs = 3, ValidationFraction = 0.1, LearningRate = 1e-2, EvaluateEvery = 20 };
        (float[] Parameters, int Observed) Run(bool observe)
        {
            var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 16, 2);
            model.Initialize(Initialization.PyTorchUniform, 3);
            Recording<float>? recording = observe ? new Recording<float>(model.Layers) : null;
            new Trainer(model, options).Train(corpus);
            return ([.. model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)], recording?.Steps.Sum(steps => steps.Count) ?? 0);
        }

        (float[] plain, _) = Run(false);
        (float[] observed, int steps) = Run(true);

        Assert.True(steps > 100, $"the observer saw only {steps} steps");
        Assert.Equal(plain, observed);
    }

    private static (double[] Gates, double[] Cell, double[] Hidden) Step(RecurrentCell<double> cell, CellType cellType, double[] x, double[] h, double[] c)
    {
        int gateCount = cell.Layout.GateCount;
        double[] Input(int gate) => Affine(cell.WeightIh.ToArray(), cell.BiasIh.ToArray(), gate, x);
        double[] Recurrent(int gate) => Affine(cell.WeightHh.ToArray(), cell.BiasHh.ToArray(), gate, h);
        double[] Sum(int gate) => [.. Input(gate).Zip(Recurrent(gate), (a, b) => a + b)];
        switch (cellType)
        {
            case CellType.Lstm:
            {
                double[] i = [.. Sum(0).Select(Sigmoid)], f = [.. Sum(1).Select(Sigmoid)], g = [.. Sum(2).Select(Math.Tanh)], o = [.. Sum(3).Select(Sigmoid)];
                double[] next = [.. Enumerable.Range(0, Hidden).Select(unit => f[unit] * c[unit] + i[unit] * g[unit])];
                return ([.. i, .. f, .. g, .. o], next, [.. Enumerable.Range(0, Hidden).Select(unit => o[unit] * Math.Tanh(next[unit]))]);
            }

            case CellType.Gru:
            {
                double[] r = [.. Sum(0).Select(Sigmoid)], z = [.. Sum(1).Select(Sigmoid)];
                double[] inputN = Input(2), recurrentN = Recurrent(2);
                double[] n = [.. Enumerable.Range(0, Hidden).Select(unit => Math.Tanh(inputN[unit] + r[unit] * recurrentN[unit]))];
                return ([.. r, .. z, .. n], [], [.. Enumerable.Range(0, Hidden).Select(unit => (1 - z[unit]) * n[unit] + z[unit] * h[unit])]);
            }

            default:
                Assert.Equal(1, gateCount);
                return ([], [], [.. Sum(0).Select(Math.Tanh)]);
        }
    }

    /// <summary>Rows gate·H … gate·H + H − 1 of W·v + b, straight from the (G·H, width) row-major layout.</summary>
    private static double[] Affine(double[] weights, double[] bias, int gate, double[] vector)
    {
        var result = new double[Hidden];
        for (int unit = 0; unit < Hidden; unit++)
        {
            int row = gate * Hidden + unit;
            double sum = bias[row];
            for (int column = 0; column < vector.Length; column++)
            {
                sum += weights[row * vector.Length + column] * vector[column];
            }

            result[unit] = sum;
        }

        return result;
    }

    private static double[] OneHot(int id)
    {
        var vector = new double[Vocabulary];
        vector[id] = 1;
        return vector;
    }

    private static double Sigmoid(double value) => 1 / (1 + Math.Exp(-value));

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int index = 0; index < expected.Length; index++)
        {
            Assert.True(Math.Abs(expected[index] - actual[index]) <= 1e-12, $"index {index}: expected {expected[index]:R}, recorded {actual[index]:R}");
        }
    }
}
