using LstmSharp.Serialization;
using LstmSharp.Training;

namespace LstmSharp.Cli.Tests;

/// <summary>Every optimizer, schedule and stopping flag of <c>lstmsharp train</c> reaches the options a checkpoint records.</summary>
[Collection(ProcessWideThreads.Name)]
public sealed class WorkflowOptionTests
{
    private static TrainingOptions TrainAndRead(TempDirectory directory, params string[] flags)
    {
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string outPath = directory.File("model.safetensors");
        CliResult result = CliRunner.Run(["train", "--input", corpus, "--steps", "4", "--eval-every", "2", "--out", outPath, .. TrainedModelFixture.SmallModel, .. flags]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Checkpoint.ReadTrainingOptions(Checkpoint.Load(directory.File("model.last.safetensors")))!;
    }

    [Fact]
    public void Train_SgdFlags_ReachTheOptions()
    {
        using var directory = new TempDirectory();
        TrainingOptions options = TrainAndRead(directory, "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9", "--nesterov", "--weight-decay", "1e-4");

        Assert.Equal((OptimizerKind.Sgd, 0.9, true, 1e-4), (options.Optimizer, options.Momentum, options.Nesterov, options.WeightDecay));
    }

    [Fact]
    public void Train_AdamFlags_ReachTheOptions()
    {
        using var directory = new TempDirectory();
        TrainingOptions options = TrainAndRead(directory, "--optimizer", "adamw", "--betas", "0.8,0.99", "--eps", "1e-6", "--weight-decay", "0.05");

        Assert.Equal((OptimizerKind.AdamW, 0.8, 0.99, 1e-6, 0.05), (options.Optimizer, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay));
    }

    [Fact]
    public void Train_RmsPropAndAdagradFlags_ReachTheOptions()
    {
        using var directory = new TempDirectory();
        TrainingOptions rmsProp = TrainAndRead(directory, "--optimizer", "rmsprop", "--alpha", "0.95", "--centered", "--momentum", "0.5");
        Assert.Equal((OptimizerKind.RmsProp, 0.95, true, 0.5), (rmsProp.Optimizer, rmsProp.Alpha, rmsProp.Centered, rmsProp.Momentum));

        using var other = new TempDirectory();
        TrainingOptions adagrad = TrainAndRead(other, "--optimizer", "adagrad", "--adagrad-lr-decay", "0.01", "--initial-accumulator", "0.1");
        Assert.Equal((OptimizerKind.Adagrad, 0.01, 0.1), (adagrad.Optimizer, adagrad.AdagradLearningRateDecay, adagrad.InitialAccumulatorValue));
    }

    [Theory]
    [InlineData(new[] { "--lr-decay", "0.9", "--lr-decay-every", "2", "--lr-decay-after", "3" }, "step")]
    [InlineData(new[] { "--lr-schedule", "exponential", "--lr-gamma", "0.99" }, "exponential")]
    [InlineData(new[] { "--lr-schedule", "cosine", "--lr-min", "1e-4", "--cosine-steps", "100" }, "cosine")]
    [InlineData(new[] { "--lr-schedule", "cosine" }, "cosine-to-steps")]
    public void Train_EverySchedule_ReachesTheOptions(string[] flags, string expected)
    {
        using var directory = new TempDirectory();
        TrainingOptions options = TrainAndRead(directory, [.. flags, "--lr", "0.01"]);

        switch (expected)
        {
            case "step":
                var step = Assert.IsType<StepDecaySchedule>(options.Schedule);
                Assert.Equal((0.01, 0.9, 2, 3), (step.LearningRate, step.DecayFactor, step.DecayEveryEpochs, step.StartEpoch));
                break;
            case "exponential":
                Assert.Equal(0.99, Assert.IsType<ExponentialSchedule>(options.Schedule).GammaPerStep);
                break;
            case "cosine":
                var cosine = Assert.IsType<CosineSchedule>(options.Schedule);
                Assert.Equal((100L, 1e-4), (cosine.TotalSteps, cosine.MinLearningRate));
                break;
            default:
                Assert.Equal(4, Assert.IsType<CosineSchedule>(options.Schedule).TotalSteps);
                break;
        }
    }

    [Fact]
    public void Train_StoppingFlags_ReachTheOptions()
    {
        using var directory = new TempDirectory();
        TrainingOptions options = TrainAndRead(directory, "--warmup", "3", "--patience", "5", "--lr-plateau", "0.5", "--lr-plateau-patience", "3", "--threads", "1");

        Assert.Equal((3L, 5, 0.5, 3), (options.WarmupSteps, options.Patience, options.LearningRatePlateauFactor, options.LearningRatePlateauPatience));
    }

    [Fact]
    public void Train_OptionTheOptimizerIgnores_WarnsAndStillTrains()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        CliResult result = CliRunner.Run(["train", "--input", corpus, "--steps", "2", "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel,
            "--optimizer", "adam", "--momentum", "0.9", "--alpha", "0.9"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("lstmsharp: warning: --momentum has no effect with Adam (only Sgd and RmsProp use it).", result.Error, StringComparison.Ordinal);
        Assert.Contains("lstmsharp: warning: --alpha has no effect with Adam (only RmsProp use it).", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--betas", "0.9" }, "--betas '0.9': give two numbers")]
    [InlineData(new[] { "--betas", "0.9,1" }, "--betas")]
    [InlineData(new[] { "--momentum", "-1" }, "--momentum")]
    [InlineData(new[] { "--lr-gamma", "0.9" }, "--lr-gamma belongs to --lr-schedule exponential")]
    [InlineData(new[] { "--lr-schedule", "exponential" }, "needs --lr-gamma")]
    [InlineData(new[] { "--patience", "0" }, "--patience")]
    [InlineData(new[] { "--threads", "0" }, "--threads")]
    public void Train_BadOptimizerOrScheduleFlag_OneLineUsageError(string[] flags, string expected)
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        CliResult result = CliRunner.Run(["train", "--input", corpus, "--steps", "2", "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel, .. flags]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void SampleAndScore_Threads_Accepted()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string model = directory.File("m.safetensors");
        Assert.Equal(0, CliRunner.Run(["train", "--input", corpus, "--steps", "2", "--out", model, .. TrainedModelFixture.SmallModel]).ExitCode);

        CliResult sample = CliRunner.Run("sample", "--model", model, "--length", "10", "--seed", "1", "--threads", "1");
        CliResult score = CliRunner.Run("score", "--model", model, "--input", corpus, "--threads", "2");

        Assert.True(sample.ExitCode == 0, sample.ToString());
        Assert.True(score.ExitCode == 0, score.ToString());
        Assert.Equal(CliRunner.Run("sample", "--model", model, "--length", "10", "--seed", "1").Out, sample.Out);
    }
}
