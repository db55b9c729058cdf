using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary><see cref="Trainer.Evaluated"/>: the place to save checkpoints, raised at every evaluation point and only there.</summary>
public sealed class TrainerEvaluatedTests
{
    [Fact]
    public void Evaluated_EveryEvaluationPointAndTheEnd_BeforeItsReport()
    {
        (Trainer trainer, Corpus corpus) = Setup(steps: 12, evaluateEvery: 5);
        var events = new List<string>();
        trainer.Evaluated += (sender, progress) =>
        {
            Assert.Same(trainer, sender);
            Assert.True(progress.IsEvaluation);
            Assert.Equal(trainer.Step, progress.Step);
            Assert.True(double.IsFinite(progress.ValidationLoss));
            events.Add($"evaluated {progress.Step}");
        };
        var reports = new Progress(report =>
        {
            if (report.IsEvaluation)
            {
                events.Add($"report {report.Step}");
            }
        });

        trainer.Train(corpus, reports);

        Assert.Equal(["evaluated 5", "report 5", "evaluated 10", "report 10", "evaluated 12", "report 12"], events);
    }

    [Fact]
    public void Evaluated_HandlerThrows_TrainStopsWithItsException()
    {
        (Trainer trainer, Corpus corpus) = Setup(steps: 20, evaluateEvery: 5);
        trainer.Evaluated += (_, _) => throw new IOException("disk full");

        var exception = Assert.Throws<IOException>(() => trainer.Train(corpus));

        Assert.Equal("disk full", exception.Message);
        Assert.Equal(5, trainer.Step);
    }

    private static (Trainer Trainer, Corpus Corpus) Setup(long steps, int evaluateEvery)
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(20));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 8, 1);
        model.Initialize(Initialization.PyTorchUniform, 1);
        var options = new TrainingOptions { SequenceLength = 8, BatchSize = 2, MaxSteps = steps, EvaluateEvery = evaluateEvery };
        return (new Trainer(model, options), corpus);
    }

    /// <summary>Reports synchronously on the training thread (System.Progress would post them elsewhere).</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
