using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-trainer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (CharModel<float> Model, Corpus Corpus) Setup(CellType cell = CellType.Lstm, int layers = 1, int hidden = 32, ulong seed = 3)
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(40));
        var model = new CharModel<float>(cell, corpus.Vocabulary.Count, hidden, layers);
        model.Initialize(Initialization.PyTorchUniform, seed);
        return (model, corpus);
    }

    private static TrainingOptions Options(long steps) => new()
    {
        SequenceLength = 16,
        BatchSize = 4,
        LearningRate = 1e-2,
        MaxSteps = steps,
        EvaluateEvery = 50,
        Dropout = 0,
    };

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Train_RepetitiveText_ValidationLossFallsWellBelowUniform(CellType cell)
    {
        (CharModel<float> model, Corpus corpus) = Setup(cell);
        var trainer = new Trainer(model, Options(300));

        TrainingResult result = trainer.Train(corpus);

        double uniform = Math.Log(corpus.Vocabulary.Count);
        Assert.Equal(300, result.Steps);
        Assert.True(result.ValidationLoss < 0.4 * uniform, $"{cell}: validation {result.ValidationLoss:F3} nats/char, uniform {uniform:F3}");
    }

    [Fact]
    public void Train_SameSeedAndOptions_BitIdenticalParameters()
    {
        float[] Run()
        {
            (CharModel<float> model, Corpus corpus) = Setup(layers: 2);
            new Trainer(model, Options(40) with { Dropout = 0.2, ClipValue = 0.5 }).Train(corpus);
            return [.. model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)];
        }

        Assert.Equal(Run(), Run());
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.Adagrad)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void Train_ResumedFromCheckpoint_BitIdenticalToUninterrupted(OptimizerKind optimizer)
    {
        // 25 steps cross an epoch boundary (the corpus holds ~22 windows of 4×16), so the carried state and its reset are covered.
        TrainingOptions options = Options(0) with { Optimizer = optimizer, Dropout = 0.1, Schedule = new StepDecaySchedule(1e-2, 0.5, 1) };
        (CharModel<float> straight, Corpus corpus) = Setup(layers: 2);
        new Trainer(straight, options with { MaxSteps = 40 }).Train(corpus);

        (CharModel<float> first, _) = Setup(layers: 2);
        var firstTrainer = new Trainer(first, options with { MaxSteps = 25 });
        firstTrainer.Train(corpus);
        string path = Path.Combine(_directory, "resume.safetensors");
        Checkpoint.Save(path, first, corpus.Vocabulary, firstTrainer);

        LoadedCheckpoint loaded = Checkpoint.Load(path);
        TrainingOptions saved = Checkpoint.ReadTrainingOptions(loaded)!;
        var resumed = new Trainer(loaded.Model, saved with { MaxSteps = 40 });
        Checkpoint.RestoreTrainer(loaded, resumed);
        resumed.Train(corpus);

        Assert.Equal(straight.ParameterBuffers.SelectMany(buffer => buffer.Parameters), loaded.Model.ParameterBuffers.SelectMany(buffer => buffer.Parameters));
    }

    [Fact]
    public void Train_HugeLearningRate_StopsWithLastGoodParameters()
    {
        (CharModel<float> model, Corpus corpus) = Setup(CellType.Rnn);
        float[] before = [.. model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)];
        var trainer = new Trainer(model, Options(500) with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e6, ClipNorm = null, EvaluateEvery = 1000 });

        TrainingDivergedException error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(corpus));

        Assert.Contains("learning rate", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.ParameterBuffers.SelectMany(buffer => buffer.Parameters));
    }

    [Fact]
    public void Train_Cancelled_ThrowsBetweenWindowsWithConsistentState()
    {
        (CharModel<float> model, Corpus corpus) = Setup();
        var trainer = new Trainer(model, Options(1000));
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(report =>
        {
            if (report.Step == 7)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(corpus, progress, cancellation.Token));
        Assert.Equal(7, trainer.Step);
        Assert.Equal(7, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void Train_CorpusShorterThanOneWindow_ThrowsNamingTheSizes()
    {
        Corpus corpus = Corpus.FromText("abcabc");
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 4);
        var trainer = new Trainer(model, Options(5));

        ArgumentException error = Assert.Throws<ArgumentException>(() => trainer.Train(corpus));
        Assert.Contains("B·T + 1 = 65", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_SingleDistinctCharacter_TrainsToZeroLoss()
    {
        Corpus corpus = Corpus.FromText(new string('a', 2000));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 4);
        model.Initialize(Initialization.PyTorchUniform, 1);

        TrainingResult result = new Trainer(model, Options(20)).Train(corpus);

        Assert.Equal(1, corpus.Vocabulary.Count);
        Assert.Equal(0.0, result.ValidationLoss, 6);
    }

    [Fact]
    public void Trainer_InvalidOptions_ThrowsNamingTheOption()
    {
        (CharModel<float> model, _) = Setup();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, Options(5) with { LearningRate = -1 }));
        Assert.Equal("LearningRate", error.ParamName);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }
}

[Collection(ProcessWideSettings.Name)]
public sealed class TrainerAllocationTests
{
    [Fact]
    public void Train_AfterWarmUp_StepAllocatesNothing()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(40));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 32, 2);
        model.Initialize(Initialization.PyTorchUniform, 3);
        (ReadOnlyMemory<int> training, _) = corpus.Split(0.05);
        long AllocatedByTraining(long steps)
        {
            var trainer = new Trainer(model, new TrainingOptions { SequenceLength = 16, BatchSize = 4, LearningRate = 1e-2, MaxSteps = steps, Dropout = 0.1 });
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Train(training, ReadOnlyMemory<int>.Empty);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        AllocatedByTraining(53);  // warm-up as long as the measured run: workspaces and every first-use cost are paid here

        // Fifty more steps cost no more bytes than three: each call has a small fixed cost (a stopwatch, the result).
        // The runtime now and then allocates on this thread on its own (a few hundred bytes, in full parallel runs), so
        // each is measured three times and the least taken: an allocation in the loop would show in every measurement.
        long three = Enumerable.Range(0, 3).Min(_ => AllocatedByTraining(3));
        long fiftyThree = Enumerable.Range(0, 3).Min(_ => AllocatedByTraining(53));
        Assert.Equal(three, fiftyThree);
    }
}
