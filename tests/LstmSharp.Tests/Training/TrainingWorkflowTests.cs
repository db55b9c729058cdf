using System.Globalization;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>
/// The practitioner's options end to end: every optimizer hyper-parameter in <see cref="TrainingOptions"/> reaches the
/// optimizer a <see cref="Trainer"/> builds (checked against PyTorch's documented update rules) and survives a
/// checkpoint; early stopping stops at the right evaluation; warm-up and reduce-on-plateau give the documented rates.
/// </summary>
public sealed class TrainingWorkflowTests : IDisposable
{
    // The same float tolerance as OptimizerTests (float library against the double reference).
    private const double FloatTolerance = 2e-6;

    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-workflow-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static TrainingOptions OptionsOf(OptimizerCase setting) => new()
    {
        Optimizer = setting.Kind,
        LearningRate = setting.LearningRate,
        Momentum = setting.Momentum,
        Dampening = setting.Dampening,
        Nesterov = setting.Nesterov,
        Beta1 = setting.Beta1,
        Beta2 = setting.Beta2,
        Epsilon = setting.Epsilon,
        WeightDecay = setting.WeightDecay,
        Alpha = setting.Alpha,
        Centered = setting.Centered,
        AdagradLearningRateDecay = setting.LearningRateDecay,
        InitialAccumulatorValue = setting.InitialAccumulatorValue,
        SequenceLength = 4,
        BatchSize = 2,
        MaxSteps = 100,
    };

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Trainer_OptimizerFromOptions_StepsWithKnownGradientsMatchTheReferenceRule(string name)
    {
        OptimizerCase setting = OptimizerCases.Named(name);
        var model = new CharModel<float>(CellType.Lstm, 5, 3);
        model.Initialize(Initialization.PyTorchUniform, 4);
        var trainer = new Trainer(model, OptionsOf(setting));
        (float[] Parameters, float[] Gradients)[] buffers = [.. model.ParameterBuffers];
        double[] theta = [.. buffers.SelectMany(buffer => buffer.Parameters.Select(value => (double)value))];
        var reference = new ReferenceOptimizer(setting, theta.Length);
        var random = new Random(11);
        double worst = 0;
        for (int step = 0; step < 6; step++)
        {
            foreach ((_, float[] gradients) in buffers)
            {
                for (int index = 0; index < gradients.Length; index++)
                {
                    gradients[index] = (float)((2 * random.NextDouble() - 1) * (step % 3 == 2 ? 0.01 : 2.0));
                }
            }

            trainer.Optimizer.Step(setting.LearningRate);
            reference.Step(theta, [.. buffers.SelectMany(buffer => buffer.Gradients.Select(value => (double)value))], setting.LearningRate);
            double[] actual = [.. buffers.SelectMany(buffer => buffer.Parameters.Select(value => (double)value))];
            for (int index = 0; index < theta.Length; index++)
            {
                worst = Math.Max(worst, Math.Abs(actual[index] - theta[index]) / Math.Max(1, Math.Abs(theta[index])));
            }
        }

        Assert.Equal(setting.Kind, trainer.Optimizer.Kind);
        Assert.True(worst <= FloatTolerance, $"{name}: worst relative error {worst:E3}");
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Checkpoint_EveryOptimizerHyperParameter_RoundTrips(string name)
    {
        TrainingOptions options = OptionsOf(OptimizerCases.Named(name)) with
        {
            WarmupSteps = 7,
            Patience = 3,
            LearningRatePlateauFactor = 0.3,
            LearningRatePlateauPatience = 4,
        };
        var model = new CharModel<float>(CellType.Gru, 4, 3);
        var trainer = new Trainer(model, options) { EvaluationsSinceBest = 2, PlateauEvaluations = 1, LearningRateScale = 0.09 };
        string path = Path.Combine(_directory, "options.safetensors");
        Checkpoint.Save(path, model, Vocabulary.FromText("abcd"), trainer);

        LoadedCheckpoint loaded = Checkpoint.Load(path);
        TrainingOptions read = Checkpoint.ReadTrainingOptions(loaded)!;
        var restored = new Trainer(loaded.Model, read);
        Checkpoint.RestoreTrainer(loaded, restored);

        Assert.Equal(options, read);
        Assert.Equal((2, 1, 0.09), (restored.EvaluationsSinceBest, restored.PlateauEvaluations, restored.LearningRateScale));
    }

    [Fact]
    public void Options_Defaults_ArePyTorchs()
    {
        var model = new CharModel<float>(CellType.Rnn, 3, 2);
        (float[] Parameters, float[] Gradients)[] buffers = [.. model.ParameterBuffers];
        var adam = (Adam<float>)new TrainingOptions { Optimizer = OptimizerKind.Adam }.CreateOptimizer(buffers);
        var adamW = (AdamW<float>)new TrainingOptions { Optimizer = OptimizerKind.AdamW }.CreateOptimizer(buffers);
        var rmsProp = (RmsProp<float>)new TrainingOptions { Optimizer = OptimizerKind.RmsProp }.CreateOptimizer(buffers);
        var adagrad = (Adagrad<float>)new TrainingOptions { Optimizer = OptimizerKind.Adagrad }.CreateOptimizer(buffers);
        var sgd = (Sgd<float>)new TrainingOptions { Optimizer = OptimizerKind.Sgd }.CreateOptimizer(buffers);

        Assert.Equal((0.9, 0.999, 1e-8, 0.0), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
        Assert.Equal((0.9, 0.999, 1e-8, 0.01), (adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
        Assert.Equal((0.99, 1e-8, 0.0, 0.0, false), (rmsProp.Alpha, rmsProp.Epsilon, rmsProp.WeightDecay, rmsProp.Momentum, rmsProp.Centered));
        Assert.Equal((0.0, 0.0, 0.0, 1e-10), (adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
        Assert.Equal((0.0, 0.0, 0.0, false), (sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));
    }

    [Theory]
    [InlineData(nameof(TrainingOptions.Momentum), OptimizerKind.Adam)]
    [InlineData("Betas", OptimizerKind.Sgd)]
    [InlineData(nameof(TrainingOptions.Alpha), OptimizerKind.AdamW)]
    [InlineData(nameof(TrainingOptions.Centered), OptimizerKind.Adagrad)]
    [InlineData(nameof(TrainingOptions.Epsilon), OptimizerKind.Sgd)]
    [InlineData(nameof(TrainingOptions.InitialAccumulatorValue), OptimizerKind.RmsProp)]
    public void FindIneffectiveOptions_OptionTheOptimizerIgnores_IsNamed(string option, OptimizerKind kind)
    {
        var options = new TrainingOptions { Optimizer = kind };
        options = option switch
        {
            nameof(TrainingOptions.Momentum) => options with { Momentum = 0.9 },
            "Betas" => options with { Beta2 = 0.98 },
            nameof(TrainingOptions.Alpha) => options with { Alpha = 0.9 },
            nameof(TrainingOptions.Centered) => options with { Centered = true },
            nameof(TrainingOptions.Epsilon) => options with { Epsilon = 1e-6 },
            _ => options with { InitialAccumulatorValue = 0.1 },
        };

        Assert.Contains(options.FindIneffectiveOptions(), found => found.Option == option);
        Assert.Empty(new TrainingOptions { Optimizer = kind }.FindIneffectiveOptions());
    }

    [Theory]
    [InlineData(nameof(TrainingOptions.Momentum))]
    [InlineData(nameof(TrainingOptions.Dampening))]
    [InlineData(nameof(TrainingOptions.Beta1))]
    [InlineData(nameof(TrainingOptions.Beta2))]
    [InlineData(nameof(TrainingOptions.Epsilon))]
    [InlineData(nameof(TrainingOptions.WeightDecay))]
    [InlineData(nameof(TrainingOptions.Alpha))]
    [InlineData(nameof(TrainingOptions.WarmupSteps))]
    [InlineData(nameof(TrainingOptions.Patience))]
    [InlineData(nameof(TrainingOptions.LearningRatePlateauFactor))]
    [InlineData(nameof(TrainingOptions.LearningRatePlateauPatience))]
    public void Validate_OutOfRange_NamesTheOption(string option)
    {
        TrainingOptions options = option switch
        {
            nameof(TrainingOptions.Momentum) => new() { Momentum = -1 },
            nameof(TrainingOptions.Dampening) => new() { Dampening = 1.5 },
            nameof(TrainingOptions.Beta1) => new() { Beta1 = 1 },
            nameof(TrainingOptions.Beta2) => new() { Beta2 = -0.1 },
            nameof(TrainingOptions.Epsilon) => new() { Epsilon = 0 },
            nameof(TrainingOptions.WeightDecay) => new() { WeightDecay = double.NaN },
            nameof(TrainingOptions.Alpha) => new() { Alpha = 1 },
            nameof(TrainingOptions.WarmupSteps) => new() { WarmupSteps = -1 },
            nameof(TrainingOptions.Patience) => new() { Patience = 0 },
            nameof(TrainingOptions.LearningRatePlateauFactor) => new() { LearningRatePlateauFactor = 1 },
            _ => new() { LearningRatePlateauPatience = 0 },
        };

        Assert.Equal(option, Assert.ThrowsAny<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    [Fact]
    public void LearningRateAt_Warmup_RisesLinearlyThenFollowsTheSchedule()
    {
        var options = new TrainingOptions { LearningRate = 0.1, WarmupSteps = 4, Schedule = new ExponentialSchedule(0.1, 0.5) };

        double[] rates = [.. Enumerable.Range(0, 6).Select(step => options.LearningRateAt(step, 0))];

        // (s + 1)/W of the scheduled rate 0.1·0.5^s while s < W, then the schedule alone.
        double[] expected = [0.1 * 1 / 4, 0.1 * 0.5 * 2 / 4, 0.1 * 0.25 * 3 / 4, 0.1 * 0.125 * 4 / 4, 0.1 * 0.0625, 0.1 * 0.03125];
        Assert.Equal(expected, rates, (a, b) => Math.Abs(a - b) <= 1e-15);
    }

    // A learning rate so small that no float parameter moves: every evaluation sees the same validation loss, so
    // only the first evaluation is a new best and the counts are known exactly.
    private static (Trainer Trainer, int[] Ids) Frozen(TrainingOptions options)
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(10));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 8);
        model.Initialize(Initialization.PyTorchUniform, 2);
        return (new Trainer(model, options with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e-30, SequenceLength = 8, BatchSize = 2 }), corpus.Ids);
    }

    [Fact]
    public void Train_Patience_StopsAtTheEvaluationThatExhaustsIt()
    {
        (Trainer trainer, int[] ids) = Frozen(new TrainingOptions { MaxSteps = 1000, EvaluateEvery = 5, Patience = 3 });
        var evaluations = new List<long>();

        TrainingResult result = trainer.Train(ids.AsMemory(0, 400), ids.AsMemory(400, 100),
            new SynchronousProgress(progress => { if (progress.IsEvaluation) { evaluations.Add(progress.Step); } }));

        // Step 5 is the best; steps 10, 15 and 20 make three evaluations without improvement.
        Assert.Equal([5L, 10, 15, 20], evaluations);
        Assert.Equal(20, result.Steps);
        Assert.True(result.StoppedEarly);
        Assert.True(trainer.PatienceExhausted);
    }

    [Fact]
    public void Train_OverfittingRun_StopsEarlyAtTheFirstEvaluationPatienceAllows()
    {
        // Trained on one repeated phrase, checked on shuffled text from the same characters: the validation loss falls,
        // then rises as the model grows sure of the phrase.
        string phrase = "the cat sat on the mat. ";
        Corpus corpus = Corpus.FromText(string.Concat(Enumerable.Repeat(phrase, 60)));
        var random = new Random(5);
        int[] validation = [.. Enumerable.Range(0, 400).Select(_ => corpus.Ids[random.Next(corpus.Length)])];
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 16);
        model.Initialize(Initialization.PyTorchUniform, 1);
        var trainer = new Trainer(model, new TrainingOptions
        {
            SequenceLength = 16, BatchSize = 4, LearningRate = 2e-2, MaxSteps = 3000, EvaluateEvery = 10, Patience = 4, ValidationFraction = 0,
        });
        var losses = new List<double>();

        TrainingResult result = trainer.Train(corpus.Ids, validation,
            new SynchronousProgress(progress => { if (progress.IsEvaluation) { losses.Add(progress.ValidationLoss); } }));

        int expectedStop = -1;
        double best = double.PositiveInfinity;
        for (int index = 0, since = 0; index < losses.Count; index++)
        {
            (best, since) = losses[index] < best ? (losses[index], 0) : (best, since + 1);
            if (since == 4)
            {
                expectedStop = index;
                break;
            }
        }

        Assert.True(result.StoppedEarly, $"no early stop in {result.Steps} steps; losses {string.Join(", ", losses.Select(l => l.ToString("F3", CultureInfo.InvariantCulture)))}");
        Assert.Equal(expectedStop, losses.Count - 1);
        Assert.Equal(losses.Min(), result.BestValidationLoss);
    }

    [Fact]
    public void Train_Plateau_ReducesTheRateByTheFactorEveryPatienceEvaluations()
    {
        (Trainer trainer, int[] ids) = Frozen(new TrainingOptions
        {
            MaxSteps = 30, EvaluateEvery = 5, LearningRatePlateauFactor = 0.5, LearningRatePlateauPatience = 2, WarmupSteps = 2,
        });
        var rates = new List<double>();

        trainer.Train(ids.AsMemory(0, 400), ids.AsMemory(400, 100), new SynchronousProgress(progress => rates.Add(progress.LearningRate)));

        // Evaluations at 5 (best), 10, 15 (second without a best: ×0.5), 20, 25 (×0.5 again); warm-up halves step 1.
        double γ = 1e-30;
        double[] expected = [.. Enumerable.Range(1, 30).Select(step => step == 1 ? γ / 2 : step <= 15 ? γ : step <= 25 ? γ / 2 : γ / 4)];
        Assert.Equal(expected, rates, (a, b) => Math.Abs(a - b) <= 1e-45);
        Assert.Equal(0.25, trainer.LearningRateScale);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Train_PatienceOrPlateauWithoutValidation_ThrowsNamingValidation(bool patience)
    {
        (Trainer trainer, int[] ids) = Frozen(patience
            ? new TrainingOptions { MaxSteps = 10, Patience = 2 }
            : new TrainingOptions { MaxSteps = 10, LearningRatePlateauFactor = 0.5 });

        ArgumentException error = Assert.Throws<ArgumentException>(() => trainer.Train(ids, ReadOnlyMemory<int>.Empty));

        Assert.Equal("validation", error.ParamName);
        Assert.Contains(patience ? "Early stopping" : "Reduce-on-plateau", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_OneLayerWithDropout_DropsBeforeTheHead()
    {
        var model = new CharModel<double>(CellType.Lstm, 4, 6);
        model.Initialize(Initialization.PyTorchUniform, 9);
        int[] inputs = [0, 1, 2, 3, 0, 1], targets = [1, 2, 3, 0, 1, 2];
        var state = new ModelState<double>(model, 2);

        double plain = model.Forward(inputs, targets, 3, 2, null, state);
        double dropped = model.Forward(inputs, targets, 3, 2, null, state, dropout: new Dropout(0.5, 3));

        Assert.NotEqual(plain, dropped);
        Assert.Equal(plain, model.Forward(inputs, targets, 3, 2, null, state, dropout: new Dropout(0, 3)));
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }
}
