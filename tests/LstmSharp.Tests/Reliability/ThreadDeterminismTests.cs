using LstmSharp.Generation;
using LstmSharp.Kernels;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Reliability;

/// <summary>
/// Determinism across thread counts, end to end: training at a shape where the matrix products really split (H = 256,
/// B = 32) on one thread and on two gives the same bits in every parameter, every reported loss and gradient norm, the
/// validation losses and the sampled text. This is the contract any parallel kernel or recurrence must keep.
/// </summary>
[Collection(ProcessWideSettings.Name)]
public sealed class ThreadDeterminismTests
{
    private const int HiddenSize = 256, BatchSize = 32, SequenceLength = 24, Steps = 6;

    [Theory]
    [InlineData(CellType.Lstm, 2)]
    [InlineData(CellType.Gru, 1)]
    public void Train_OneThreadAndTwoThreads_BitIdenticalParametersLossesAndSamples(CellType cell, int layers)
    {
        Run one = Train(cell, layers, threads: 1);
        Run two = Train(cell, layers, threads: 2);

        Assert.Equal(1, one.ThreadsSeen);
        Assert.Equal(2, two.ThreadsSeen);   // the products of this shape did split across both threads
        Assert.True(one.Reports.Count >= Steps, $"{one.Reports.Count} reports");
        Assert.Equal(one.Reports, two.Reports);   // losses, gradient norms, validation losses, learning rates: exact
        Assert.True(one.Parameters.AsSpan().SequenceEqual(two.Parameters), "the parameters differ between 1 and 2 threads");
        Assert.Equal(one.Sample, two.Sample);
        Assert.Equal(300, one.Sample.Length);
    }

    /// <summary>What one training run produced; <see cref="Reports"/> holds every progress report's numbers.</summary>
    private sealed record Run(float[] Parameters, List<(double TrainingLoss, double ValidationLoss, double GradientNorm, double LearningRate)> Reports, string Sample, int ThreadsSeen);

    private static Run Train(CellType cell, int layers, int threads)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            Gemm.OneSlicePerThread = threads > 1;   // every split call really runs on both threads, however the OS schedules them
            Corpus corpus = Corpus.FromText(TestText.Repeat(90));
            var model = new CharModel<float>(cell, corpus.Vocabulary.Count, HiddenSize, layers);
            model.Initialize(Initialization.PyTorchUniform, 21);
            var options = new TrainingOptions
            {
                SequenceLength = SequenceLength,
                BatchSize = BatchSize,
                MaxSteps = Steps,
                EvaluateEvery = 3,
                Dropout = layers > 1 ? 0.2 : 0,
                Optimizer = OptimizerKind.Adam,
                Schedule = new CosineSchedule(3e-3, Steps),
                Seed = 4,
            };
            var reports = new List<(double, double, double, double)>();
            new Trainer(model, options).Train(corpus, new SynchronousProgress(report => reports.Add((report.TrainingLoss, report.ValidationLoss, report.GradientNorm, report.LearningRate))));

            // One more window's forward pass, to see how many threads a product of this shape ran on.
            int[] ids = [.. corpus.Ids.AsSpan(0, SequenceLength * BatchSize)];
            var logits = new float[ids.Length * model.VocabularySize];
            model.Predict(ids, SequenceLength, BatchSize, null, new ModelState<float>(model, BatchSize), logits);
            int threadsSeen = Gemm.LastCallThreads;

            var sampler = new Sampler(model, corpus.Vocabulary, new SamplingOptions { Temperature = 0.8, TopP = 0.95, Seed = 9 });
            sampler.Prime("the ");
            string sample = string.Concat(sampler.Generate(300));
            return new Run([.. model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)], reports, sample, threadsSeen);
        }
        finally
        {
            Gemm.MaxThreads = saved;
            Gemm.OneSlicePerThread = false;
        }
    }

    /// <summary>Reports on the training thread, in order (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
