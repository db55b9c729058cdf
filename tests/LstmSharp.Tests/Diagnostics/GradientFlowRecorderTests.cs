using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Diagnostics;

public sealed class GradientFlowRecorderTests
{
    private const int Vocabulary = 7, Hidden = 5, Steps = 9, Batch = 3;

    private static CharModel<double> Model(CellType cell, int layers = 2)
    {
        var model = new CharModel<double>(cell, Vocabulary, Hidden, layers);
        model.Initialize(Initialization.PyTorchUniform, 11);
        return model;
    }

    private static (int[] Inputs, int[] Targets) Window(LossMode lossMode)
    {
        var random = new SeededRandom(5);
        int[] inputs = [.. Enumerable.Range(0, Steps * Batch).Select(_ => random.NextInt(Vocabulary))];
        int[] targets = [.. Enumerable.Range(0, lossMode == LossMode.LastStep ? Batch : Steps * Batch).Select(_ => random.NextInt(Vocabulary))];
        return (inputs, targets);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Record_AnyCell_NormsMatchTheStepValues(CellType cell)
    {
        CharModel<double> model = Model(cell);
        (int[] inputs, int[] targets) = Window(LossMode.EveryStep);
        var recorder = new GradientFlowRecorder<double>(model);

        GradientFlowSnapshot snapshot = recorder.Record(new GradientFlowProbe(inputs, targets, Steps, Batch, LossMode.EveryStep));

        Assert.Equal(2, snapshot.Layers.Count);
        foreach (LayerGradientFlow layer in snapshot.Layers)
        {
            StateGradientSeries?[] all = [layer.Hidden, layer.HiddenCarried, layer.Cell, layer.CellCarried];
            Assert.Equal(cell == CellType.Lstm, layer.Cell is not null && layer.CellCarried is not null);
            foreach (StateGradientSeries series in all.OfType<StateGradientSeries>())
            {
                Assert.Equal(Steps, series.Norms.Count);
                for (int step = 0; step < Steps; step++)
                {
                    double[] values = series.StepValues(step).ToArray();
                    Assert.Equal(Batch * Hidden, values.Length);
                    Assert.Equal(Math.Sqrt(values.Sum(value => value * value)), series.Norms[step], 12);
                }
            }
        }
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Record_LastStepLoss_TotalAtLastStepIsGradientFromAboveAndCarriedPartsAreZero(CellType cell)
    {
        CharModel<double> model = Model(cell, layers: 1);
        (int[] inputs, int[] targets) = Window(LossMode.LastStep);
        var recorder = new GradientFlowRecorder<double>(model);

        LayerGradientFlow layer = recorder.Record(new GradientFlowProbe(inputs, targets, Steps, Batch)).Layers[0];

        // dL/dh_T from the head: Wᵀ (softmax(logits) − onehot(target)) / B, the loss being the mean over B streams.
        var logits = new double[Steps * Batch * Vocabulary];
        model.Predict(inputs, Steps, Batch, null, new ModelState<double>(model, Batch), logits);
        ReadOnlySpan<double> weight = model.Head.Weight;
        for (int stream = 0; stream < Batch; stream++)
        {
            ReadOnlySpan<double> last = logits.AsSpan(((Steps - 1) * Batch + stream) * Vocabulary, Vocabulary);
            double max = last.ToArray().Max(), sum = last.ToArray().Sum(logit => Math.Exp(logit - max));
            for (int unit = 0; unit < Hidden; unit++)
            {
                double expected = 0;
                for (int id = 0; id < Vocabulary; id++)
                {
                    expected += weight[id * Hidden + unit] * (Math.Exp(last[id] - max) / sum - (id == targets[stream] ? 1 : 0)) / Batch;
                }

                Assert.Equal(expected, layer.Hidden.StepValues(Steps - 1)[stream * Hidden + unit], 12);
            }
        }

        Assert.All(layer.HiddenCarried.StepValues(Steps - 1).ToArray(), value => Assert.Equal(0, value));
        if (layer.CellCarried is not null)
        {
            Assert.All(layer.CellCarried.StepValues(Steps - 1).ToArray(), value => Assert.Equal(0, value));
        }

        // With no loss before the last step, every earlier step's total is exactly its carried part.
        for (int step = 0; step < Steps - 1; step++)
        {
            Assert.Equal(layer.HiddenCarried.StepValues(step).ToArray(), layer.Hidden.StepValues(step).ToArray());
        }
    }

    [Fact]
    public void Record_ModelWithGradients_RestoresGradientsAndObservers()
    {
        CharModel<double> model = Model(CellType.Lstm);
        (int[] inputs, int[] targets) = Window(LossMode.LastStep);
        int filled = 0;
        foreach ((double[] _, double[] gradients) in model.ParameterBuffers)
        {
            Array.Fill(gradients, ++filled * 0.25);
        }

        double[][] before = [.. model.ParameterBuffers.Select(buffer => (double[])buffer.Gradients.Clone())];
        var recorder = new GradientFlowRecorder<double>(model);

        recorder.Record(new GradientFlowProbe(inputs, targets, Steps, Batch));

        Assert.Equal(before, model.ParameterBuffers.Select(buffer => buffer.Gradients));
        Assert.All(model.Layers, layer => Assert.Null(layer.BackwardObserver));
    }

    [Fact]
    public void AttachTo_ChosenEpochs_RecordsEachOnceAndLeavesTrainingBitIdentical()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(6));
        var options = new TrainingOptions { SequenceLength = 16, BatchSize = 4, MaxEpochs = 4, ValidationFraction = 0, LearningRate = 1e-2 };
        float[] Run(bool record, out GradientFlowSchedule? schedule)
        {
            var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 16);
            model.Initialize(Initialization.PyTorchUniform, 3);
            var trainer = new Trainer(model, options);
            schedule = record ? new GradientFlowSchedule(new HashSet<int> { 0, 2, 4 }, GradientFlowProbe.FromText(corpus.Ids, 20)).AttachTo(trainer) : null;
            trainer.Train(corpus);
            return [.. model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)];
        }

        float[] plain = Run(false, out _);
        float[] recorded = Run(true, out GradientFlowSchedule? schedule);

        Assert.Equal(plain, recorded);
        Assert.Equal([0, 2, 4], schedule!.Snapshots.Select(snapshot => snapshot.Epoch ?? -1));
        Assert.All(schedule.Snapshots, snapshot => Assert.Equal(20, snapshot.Layers[0].Hidden.Norms.Count));
        Assert.True(schedule.Snapshots[^1].Loss < schedule.Snapshots[0].Loss);
    }
}
