using System.Globalization;
using System.Text.RegularExpressions;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Training;

namespace LstmSharp.Cli.Tests;

/// <summary><c>train --preset article</c>, <c>--loss</c>, <c>--take</c> and <c>--val-fraction 0</c>, read from parsed command lines and run.</summary>
public sealed class ArticlePresetTests
{
    private static TrainCommand.Configuration Configure(params string[] args)
    {
        var command = new TrainCommand(new CliConsole(TextWriter.Null, TextWriter.Null, IsTerminal: false, CancellationToken.None));
        return command.Configure(command.Command.Parse(args));
    }

    [Fact]
    public void Configure_ArticlePreset_EverySettingIsTheArticles()
    {
        TrainCommand.Configuration configuration = Configure("--preset", "article");
        TrainingOptions options = configuration.Options;

        Assert.Equal(20_000, configuration.Take);
        Assert.Equal(100, configuration.HiddenSize);
        Assert.Equal(1, configuration.LayerCount);
        Assert.Equal(CellType.Lstm, configuration.Cell);
        Assert.Equal(Initialization.ArticleNormal, configuration.Initialization);
        Assert.Equal(25, options.SequenceLength);
        Assert.Equal(1, options.BatchSize);
        Assert.Equal(EpochWindows.ArticleCount, options.EpochWindows);
        Assert.Equal(OptimizerKind.Adagrad, options.Optimizer);
        Assert.Equal(0.1, options.LearningRate);
        Assert.Equal(1e-8, options.Epsilon);
        Assert.Equal(EpsilonPlacement.InsideRoot, options.EpsilonPlacement);
        Assert.Null(options.ClipNorm);
        Assert.Null(options.ClipValue);
        Assert.Null(options.Schedule);
        Assert.Equal(LossMode.LastStep, options.LossMode);
        Assert.Equal(0, options.ValidationFraction);
        Assert.Equal(51, options.MaxEpochs);
        Assert.Null(options.MaxSteps);
        Assert.Null(options.MaxTime);
        Assert.Equal(0, options.Dropout);
    }

    [Fact]
    public void Configure_OptionsBesideThePreset_OverrideIt()
    {
        TrainCommand.Configuration configuration = Configure("--preset", "article", "--cell", "rnn", "--take", "30000", "--loss", "every-step",
            "--val-fraction", "0.1", "--epochs", "3", "--hidden", "64", "--optimizer", "adam", "--eps-placement", "outside-root", "--clip", "5");
        TrainingOptions options = configuration.Options;

        Assert.Equal(CellType.Rnn, configuration.Cell);
        Assert.Equal(30_000, configuration.Take);
        Assert.Equal(64, configuration.HiddenSize);
        Assert.Equal(LossMode.EveryStep, options.LossMode);
        Assert.Equal(0.1, options.ValidationFraction);
        Assert.Equal(3, options.MaxEpochs);
        Assert.Equal(OptimizerKind.Adam, options.Optimizer);
        Assert.Null(options.Epsilon);   // the article's ε belongs to its Adagrad
        Assert.Equal(EpsilonPlacement.OutsideRoot, options.EpsilonPlacement);
        Assert.Equal(5, options.ClipNorm);
        // Not overridden: still the article's.
        Assert.Equal(25, options.SequenceLength);
        Assert.Equal(1, options.BatchSize);
        Assert.Equal(Initialization.ArticleNormal, configuration.Initialization);
    }

    [Fact]
    public void Configure_NoPreset_KeepsTheDefaults()
    {
        TrainCommand.Configuration configuration = Configure();

        Assert.Null(configuration.Take);
        Assert.Equal(LossMode.EveryStep, configuration.Options.LossMode);
        Assert.Equal(EpochWindows.AllWindows, configuration.Options.EpochWindows);
        Assert.Equal(0.05, configuration.Options.ValidationFraction);
        Assert.Equal(Initialization.PyTorchUniform, configuration.Initialization);
        Assert.Equal(TrainCommand.DefaultTime, configuration.Options.MaxTime);
    }

    [Fact]
    public void Train_ArticlePresetTwoEpochs_PrintsEachEpochsMeanAndSavesItsSettings()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string model = directory.File("article.safetensors");

        CliResult result = CliRunner.Run("train", "--preset", "article", "--input", corpus, "--take", "2600", "--hidden", "16", "--epochs", "2", "--out", model);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("its first 2,600 characters", result.Out);
        Assert.Contains("(100 windows per epoch), no validation", result.Out);
        MatchCollection epochs = Regex.Matches(result.Out, @"epoch (\d+): mean training loss (\d+\.\d+) nats/prediction");
        Assert.Equal(["0", "1"], epochs.Select(match => match.Groups[1].Value));
        Assert.All(epochs, match => Assert.InRange(double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), 0.1, 10));
        Assert.Contains("no validation, so the best model is the last", result.Out);

        LoadedCheckpoint best = Checkpoint.Load(model);
        TrainingOptions saved = Checkpoint.ReadTrainingOptions(best)!;
        Assert.Equal(LossMode.LastStep, saved.LossMode);
        Assert.Equal(EpochWindows.ArticleCount, saved.EpochWindows);
        Assert.Equal(EpsilonPlacement.InsideRoot, saved.EpsilonPlacement);
        Assert.Equal(1e-8, saved.Epsilon);
        Assert.Equal(0, saved.ValidationFraction);
        // With no validation the best checkpoint is the last one.
        Assert.Equal(200, ReadStep(best));
        Assert.Equal(200, ReadStep(Checkpoint.Load(directory.File("article.last.safetensors"))));
    }

    [Fact]
    public void Train_ResumeLastStepRun_KeepsLossModeAndTake()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());
        string model = directory.File("m.safetensors");
        CliResult first = CliRunner.Run(["train", "--input", corpus, "--take", "3000", "--loss", "last-step", "--steps", "8", "--out", model, .. TrainedModelFixture.SmallModel]);
        Assert.True(first.ExitCode == 0, first.ToString());

        CliResult resumed = CliRunner.Run("train", "--resume", directory.File("m.last.safetensors"), "--input", corpus, "--take", "3000", "--steps", "12");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("loss on the last step", resumed.Out);
        Assert.Contains("its first 3,000 characters", resumed.Out);
        Assert.Equal(LossMode.LastStep, Checkpoint.ReadTrainingOptions(Checkpoint.Load(directory.File("m.last.safetensors")))!.LossMode);
    }

    [Fact]
    public void Train_BadTakeOrValFraction_NamesTheFlag()
    {
        CliResult take = CliRunner.Run("train", "--take", "0", "--steps", "1");
        CliResult fraction = CliRunner.Run("train", "--val-fraction", "1", "--steps", "1");

        Assert.NotEqual(0, take.ExitCode);
        Assert.Contains("--take", take.Error);
        Assert.NotEqual(0, fraction.ExitCode);
        Assert.Contains("--val-fraction", fraction.Error);
    }

    [Fact]
    public void Train_PatienceWithoutValidation_RefusedWithAClearMessage()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());

        CliResult result = CliRunner.Run(["train", "--input", corpus, "--val-fraction", "0", "--patience", "2", "--steps", "5", "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("needs a validation", result.Error);
    }

    private static long ReadStep(LoadedCheckpoint checkpoint) =>
        long.Parse(checkpoint.Document.Metadata["trainer.step"], CultureInfo.InvariantCulture);
}
