using LstmSharp.Diagnostics;
using LstmSharp.Kernels;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary>
/// The unit-partitioned recurrence at shapes where the work really splits into several chunks of hidden units: exact
/// gradients there too, and the same bits on one thread and on two.
/// </summary>
[Collection(ProcessWideSettings.Name)]
public sealed class UnitPartitionedRecurrenceTests
{
    // The same floor and tolerance as GradientCheckTests (see there for the measured worst case).
    private const double Floor = 1e-6;
    private const double DoubleTolerance = 1e-6;

    [Theory]
    [InlineData(CellType.Lstm, 4, 40, 2, 21)]   // 2 chunks of 20 units: narrow panels, two full row tiles and five left-over rows
    [InlineData(CellType.Gru, 3, 32, 2, 43)]
    [InlineData(CellType.Rnn, 3, 64, 2, 32)]
    public void Backward_SplitIntoUnitChunks_MatchesCentralDifferences(CellType cell, int vocabularySize, int hiddenSize, int sequenceLength, int batchSize)
    {
        Assert.True(Chunks(cell, batchSize, hiddenSize) > 1, "the shape must split into several unit chunks");
        (CharModel<double> model, GradientCheckWindow window) =
            new GradientCase(cell, LossMode.EveryStep, vocabularySize, hiddenSize, sequenceLength, batchSize, 1, 17).Build<double>();

        IReadOnlyDictionary<string, double[]> analytic = GradientChecker.Analytic(model, window);
        IReadOnlyDictionary<string, double[]> numeric = GradientChecker.Numeric(model, window);

        TensorGradientError worst = GradientChecker.Compare(analytic, numeric, Floor).MaxBy(error => error.Error)!;
        Assert.True(worst.Error <= DoubleTolerance, $"{worst.Name}[{worst.Index}]: analytic {worst.Analytic}, numeric {worst.Numeric}, error {worst.Error:E2}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Backward_IdsAfterAWindowOfOtherIds_GradientsOfAFreshCell(int batchSize)
    {
        // dW_ih's scatter rows are cleared and folded only for the ids a window holds: a row left from an earlier window
        // must never reach the gradient.
        const int Vocabulary = 11, Hidden = 20, Steps = 4;
        int[] first = [.. Enumerable.Range(0, Steps * batchSize).Select(index => index % 5)];         // ids 0-4
        int[] second = [.. Enumerable.Range(0, Steps * batchSize).Select(index => 3 + index % 8)];    // ids 3-10
        var reused = new LstmCell<double>(Vocabulary, Hidden, Initialization.PyTorchUniform, seed: 5);
        var fresh = new LstmCell<double>(Vocabulary, Hidden, Initialization.PyTorchUniform, seed: 5);
        double[] output = new double[Steps * batchSize * Hidden], dOutput = [.. Enumerable.Range(0, output.Length).Select(index => Math.Sin(index))];

        reused.Forward(first, default, default, Steps, batchSize, output, default, default);
        reused.Backward(dOutput, default, default, default, default, default);
        reused.ZeroGradients();
        reused.Forward(second, default, default, Steps, batchSize, output, default, default);
        reused.Backward(dOutput, default, default, default, default, default);
        fresh.Forward(second, default, default, Steps, batchSize, output, default, default);
        fresh.Backward(dOutput, default, default, default, default, default);

        Assert.Equal(fresh.Gradients, reused.Gradients);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void Backward_LstmTwiceAfterOneForward_RefusedAndNothingChanged(int batchSize)
    {
        // The LSTM's gate gradients overwrite the gate activations, so a second backward pass would read gradients as gates.
        const int Vocabulary = 7, Hidden = 40, Steps = 3;
        int[] ids = [.. Enumerable.Range(0, Steps * batchSize).Select(index => index * 5 % Vocabulary)];
        var cell = new LstmCell<double>(Vocabulary, Hidden, Initialization.PyTorchUniform, seed: 9);
        double[] output = new double[Steps * batchSize * Hidden], dOutput = [.. Enumerable.Range(0, output.Length).Select(index => Math.Cos(index))];
        cell.Forward(ids, default, default, Steps, batchSize, output, default, default);
        cell.Backward(dOutput, default, default, default, default, default);
        double[] once = [.. cell.Gradients];

        Assert.Throws<InvalidOperationException>(() => cell.Backward(dOutput, default, default, default, default, default));
        Assert.Equal(once, cell.Gradients);

        cell.ZeroGradients();
        cell.Forward(ids, default, default, Steps, batchSize, output, default, default);
        cell.Backward(dOutput, default, default, default, default, default);
        Assert.Equal(once, cell.Gradients);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void ModelBackward_TwiceAfterOneForward_RefusedBeforeTouchingAnything(CellType cell)
    {
        // The softmax rows become dL/dlogits in place, so a second backward pass would differentiate the gradients.
        (CharModel<double> model, GradientCheckWindow window) = new GradientCase(cell, LossMode.EveryStep, 5, 16, 3, 2, 1, 3).Build<double>();
        var final = new ModelState<double>(model, window.BatchSize);
        model.Forward(window.Inputs, window.Targets, window.SequenceLength, window.BatchSize, window.CreateInitialState(model), final, window.LossMode);
        model.Backward();
        double[][] once = [.. model.ParameterBuffers.Select(buffer => (double[])buffer.Gradients.Clone())];

        Assert.Throws<InvalidOperationException>(() => model.Backward());

        Assert.Equal(once, model.ParameterBuffers.Select(buffer => buffer.Gradients));
    }

    [Fact]
    public void Backward_SingleStreamSplitIntoUnitChunks_MatchesCentralDifferences()
    {
        // B = 1 reads W_hh in place (a dot product per gate row forward, an axpy per unit backward), chunk by chunk.
        const int HiddenSize = 192;
        Assert.True(Chunks(CellType.Lstm, 1, HiddenSize) > 1, "the shape must split into several unit chunks");
        (CharModel<double> model, GradientCheckWindow window) = new GradientCase(CellType.Lstm, LossMode.EveryStep, 3, HiddenSize, 3, 1, 1, 23).Build<double>();
        IReadOnlyDictionary<string, double[]> analytic = GradientChecker.Analytic(model, window);

        // Every entry of the small tensors, and every 37th of the large ones: a full check would take minutes.
        ModelState<double> initial = window.CreateInitialState(model)!;
        var final = new ModelState<double>(model, 1);
        double Loss() => model.Forward(window.Inputs, window.Targets, window.SequenceLength, 1, initial, final, window.LossMode);
        foreach (ModelTensor<double> tensor in model.Tensors)
        {
            int stride = tensor.Count > 1000 ? 37 : 1;
            for (int index = 0; index < tensor.Count; index += stride)
            {
                AssertClose(tensor.Name, index, analytic[tensor.Name][index], Differentiate(tensor.ParameterBuffer, tensor.Offset + index, Loss));
            }
        }

        for (int index = 0; index < HiddenSize; index++)
        {
            AssertClose("h0_l0", index, analytic["h0_l0"][index], Differentiate(initial.Layers[0].Hidden, index, Loss));
            AssertClose("c0_l0", index, analytic["c0_l0"][index], Differentiate(initial.Layers[0].Cell, index, Loss));
        }
    }

    [Theory]
    [InlineData(CellType.Lstm, 64, 8, 1, 0.0)]
    [InlineData(CellType.Lstm, 192, 1, 1, 0.0)]
    [InlineData(CellType.Gru, 48, 20, 2, 0.5)]
    [InlineData(CellType.Rnn, 96, 40, 2, 0.5)]
    public void TrainStep_OneThreadAndTwo_BitIdentical(CellType cell, int hiddenSize, int batchSize, int layerCount, double dropout)
    {
        Assert.True(Chunks(cell, batchSize, hiddenSize) > 1, "the shape must split into several unit chunks");
        int threads = Parallelism.MaxThreads;
        try
        {
            (float[][] parameters, double[] losses) = Train(cell, hiddenSize, batchSize, layerCount, dropout, 1);
            (float[][] parametersTwo, double[] lossesTwo) = Train(cell, hiddenSize, batchSize, layerCount, dropout, 2);

            Assert.Equal(losses, lossesTwo);
            for (int buffer = 0; buffer < parameters.Length; buffer++)
            {
                Assert.Equal(parameters[buffer], parametersTwo[buffer]);
            }
        }
        finally
        {
            Parallelism.MaxThreads = threads;
        }
    }

    private static (float[][] Parameters, double[] Losses) Train(CellType cell, int hiddenSize, int batchSize, int layerCount, double dropout, int threads)
    {
        const int VocabularySize = 13, SequenceLength = 7;
        Parallelism.MaxThreads = threads;
        var model = new CharModel<float>(cell, VocabularySize, hiddenSize, layerCount);
        model.Initialize(Initialization.PyTorchUniform, 3);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = SequenceLength, BatchSize = batchSize, LearningRate = 2e-3, Dropout = dropout });
        var random = new SeededRandom(5);
        double[] losses = new double[4];
        for (int step = 0; step < losses.Length; step++)
        {
            int[] inputs = [.. Enumerable.Range(0, SequenceLength * batchSize).Select(_ => random.NextInt(VocabularySize))];
            int[] targets = [.. Enumerable.Range(0, SequenceLength * batchSize).Select(_ => random.NextInt(VocabularySize))];
            losses[step] = trainer.TrainStep(inputs, targets, 2e-3).Loss;
        }

        return ([.. model.ParameterBuffers.Select(buffer => (float[])buffer.Parameters.Clone())], losses);
    }

    private static int Chunks(CellType cell, int batchSize, int hiddenSize) =>
        UnitSlicedWeights<double>.Partition(batchSize, new CellLayout(cell, 1, hiddenSize).GateCount, hiddenSize).Length - 1;

    private static void AssertClose(string name, int index, double analytic, double numeric)
    {
        double error = Math.Abs(analytic - numeric) / Math.Max(Floor, Math.Max(Math.Abs(analytic), Math.Abs(numeric)));
        Assert.True(error <= DoubleTolerance, $"{name}[{index}]: analytic {analytic}, numeric {numeric}, error {error:E2}");
    }

    /// <summary>The sixth-order central difference GradientChecker uses, for one entry.</summary>
    private static double Differentiate(double[] buffer, int position, Func<double> loss, double step = 3e-3)
    {
        double original = buffer[position];
        double At(double shift)
        {
            buffer[position] = original + shift;
            return loss();
        }

        double plus3 = At(3 * step), plus2 = At(2 * step), plus1 = At(step);
        double minus1 = At(-step), minus2 = At(-2 * step), minus3 = At(-3 * step);
        buffer[position] = original;
        return (plus3 - 9 * plus2 + 45 * plus1 - 45 * minus1 + 9 * minus2 - minus3) / (60 * step);
    }
}
