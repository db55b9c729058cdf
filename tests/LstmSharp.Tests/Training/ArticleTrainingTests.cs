using FsCheck.Xunit;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Tests.Layers;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>
/// The article's training run: loss on the last step through <see cref="Trainer.TrainStep"/>, its epoch rule, Adagrad
/// with ε inside the root, per-epoch means, no validation, and all of it across a resume.
/// </summary>
public sealed class ArticleTrainingTests : IDisposable
{
    // As in GradientCheckTests: float analytic gradients against double central differences of the same parameters.
    private const double FloatFloor = 1e-3;
    private const double FloatTolerance = 1e-3;

    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-article-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Property(Arbitrary = [typeof(GradientCases)], MaxTest = 60)]
    public void TrainStep_LastStepLoss_GradientMatchesDoubleCentralDifferences(GradientCase generated)
    {
        GradientCase testCase = generated with { LossMode = LossMode.LastStep, DropoutRate = 0 };
        (CharModel<float> model, GradientCheckWindow window) = testCase.Build<float>();
        int t = testCase.SequenceLength, b = testCase.BatchSize, v = testCase.VocabularySize;
        var trainer = new Trainer(model, new TrainingOptions
        {
            SequenceLength = t,
            BatchSize = b,
            LossMode = LossMode.LastStep,
            Optimizer = OptimizerKind.Sgd,
            LearningRate = 0.05,
            ClipNorm = null,
            MaxSteps = 10,
            DivergenceFactor = 1e12,   // window losses of random ids vary freely; only the gradient is checked
        });
        var random = new Random(testCase.Seed);
        int[] Ids(int count) => [.. Enumerable.Range(0, count).Select(_ => random.Next(v))];

        // A first step leaves a carried state (and moved parameters) behind, so the checked step starts from both.
        trainer.TrainStep(Ids(t * b), Ids(t * b), 0.05);
        double[][] hidden = [.. trainer.State.Layers.Select(layer => layer.Hidden.Select(value => (double)value).ToArray())];
        double[][] cell = [.. trainer.State.Layers.Select(layer => layer.Cell.Select(value => (double)value).ToArray())];
        CharModel<double> reference = GradientCase.ToDouble(model);

        // (T, B) targets whose earlier rows are noise: only the last row may reach the gradient.
        int[] targets = [.. Ids((t - 1) * b), .. window.Targets];
        trainer.TrainStep(window.Inputs, targets, 0.05);
        var analytic = model.Tensors.ToDictionary(tensor => tensor.Name, tensor => tensor.Gradient.ToArray().Select(value => (double)value).ToArray());

        GradientCheckWindow checkedWindow = window with { InitialHidden = hidden, InitialCell = cell };
        var numeric = GradientChecker.Numeric(reference, checkedWindow)
            .Where(entry => analytic.ContainsKey(entry.Key))
            .ToDictionary(entry => entry.Key, entry => entry.Value);
        Assert.Equal(analytic.Count, numeric.Count);
        TensorGradientError worst = GradientChecker.Compare(analytic, numeric, FloatFloor).MaxBy(error => error.Error)!;
        Assert.True(worst.Error <= FloatTolerance, $"{testCase}: {worst}");
    }

    [Fact]
    public void Adagrad_EpsilonInsideRoot_IsTheArticlesUpdate()
    {
        double[] theta = [0.5, -0.25, 0.0], gradient = [0.2, -1e-5, 0.0];
        double[] outsideTheta = (double[])theta.Clone(), insideTheta = (double[])theta.Clone();
        var outside = new Adagrad<double>([(outsideTheta, (double[])gradient.Clone())], epsilon: 1e-8);
        var inside = new Adagrad<double>([(insideTheta, (double[])gradient.Clone())], epsilon: 1e-8, epsilonPlacement: EpsilonPlacement.InsideRoot);

        outside.Step(0.1);
        inside.Step(0.1);

        for (int index = 0; index < theta.Length; index++)
        {
            double g = gradient[index];
            Assert.Equal(theta[index] - 0.1 * g / Math.Sqrt(g * g + 1e-8), insideTheta[index], 15);
            Assert.Equal(theta[index] - 0.1 * g / (Math.Sqrt(g * g) + 1e-8), outsideTheta[index], 15);
        }

        // The placements differ visibly only where g² is near ε: here the second element.
        Assert.True(Math.Abs(insideTheta[1] - outsideTheta[1]) > 1e-3);
    }

    [Fact]
    public void ArticlePreset_HasTheArticlesSettings()
    {
        TrainingOptions article = TrainingOptions.Article;

        Assert.Equal(25, article.SequenceLength);
        Assert.Equal(1, article.BatchSize);
        Assert.Equal(LossMode.LastStep, article.LossMode);
        Assert.Equal(EpochWindows.ArticleCount, article.EpochWindows);
        Assert.Equal(OptimizerKind.Adagrad, article.Optimizer);
        Assert.Equal(0.1, article.LearningRate);
        Assert.Equal(1e-8, article.Epsilon);
        Assert.Equal(EpsilonPlacement.InsideRoot, article.EpsilonPlacement);
        Assert.Null(article.ClipNorm);
        Assert.Null(article.ClipValue);
        Assert.Equal(0, article.ValidationFraction);
        Assert.Equal(51, article.MaxEpochs);
        Assert.Null(article.Schedule);
        Assert.Equal(0, article.Dropout);
    }

    [Theory]
    [InlineData(20_000, 25, 1, EpochWindows.ArticleCount, 769)]
    [InlineData(20_000, 25, 1, EpochWindows.AllWindows, 799)]
    [InlineData(30_000, 25, 1, EpochWindows.ArticleCount, 1153)]
    [InlineData(1_001, 10, 4, EpochWindows.AllWindows, 25)]
    [InlineData(1_001, 10, 4, EpochWindows.ArticleCount, 22)]
    public void WindowsPerEpoch_FollowsTheRule(int length, int t, int b, EpochWindows rule, int expected)
    {
        var model = new CharModel<float>(CellType.Rnn, 3, 2);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = t, BatchSize = b, EpochWindows = rule, MaxSteps = 1 });
        Assert.Equal(expected, trainer.WindowsPerEpoch(length));
    }

    [Fact]
    public void ArticleInitialization_DrawsBiasesButZeroesBhh()
    {
        var model = new CharModel<double>(CellType.Lstm, 40, 100);
        model.Initialize(Initialization.ArticleNormal, 7);
        foreach (ModelTensor<double> tensor in model.Tensors)
        {
            double[] values = tensor.Values.ToArray();
            if (tensor.Name.Contains("bias_hh", StringComparison.Ordinal))
            {
                Assert.All(values, value => Assert.Equal(0, value));
                continue;
            }

            double mean = values.Average(), sd = Math.Sqrt(values.Average(value => (value - mean) * (value - mean)));
            Assert.True(Math.Abs(mean) < 4 * 0.01 / Math.Sqrt(values.Length), $"{tensor.Name}: mean {mean}");
            Assert.InRange(sd, 0.0085, 0.0115);
        }

        var minCharRnn = new CharModel<double>(CellType.Lstm, 40, 100);
        minCharRnn.Initialize(Initialization.MinCharRnnNormal, 7);
        Assert.All(minCharRnn.Tensors.Where(tensor => tensor.Shape.Count == 1), tensor => Assert.All(tensor.Values.ToArray(), value => Assert.Equal(0, value)));
    }

    [Fact]
    public void Train_TwoArticleEpochs_EpochMeansEqualTheRecordedWindowLosses()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(12));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 16);
        model.Initialize(Initialization.ArticleNormal, 1);
        var trainer = new Trainer(model, TrainingOptions.Article with { MaxEpochs = 2 });
        var reports = new List<TrainingProgress>();

        TrainingResult result = trainer.Train(corpus, new Collect(reports.Add));

        int windows = trainer.WindowsPerEpoch(corpus.Length);
        Assert.Equal(corpus.Length / 26, windows);
        Assert.Equal(2 * windows, result.Steps);
        Assert.True(double.IsNaN(result.ValidationLoss));
        TrainingProgress[] ends = [.. reports.Where(report => report.IsEpochEnd)];
        Assert.Equal(2, ends.Length);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            double expected = reports.Skip(epoch * windows).Take(windows).Average(report => report.TrainingLoss);
            Assert.Equal(expected, ends[epoch].EpochTrainingLoss, 12);
            Assert.Equal(epoch + 1, ends[epoch].Epoch);
            Assert.Equal((epoch + 1) * windows, ends[epoch].Step);
        }

        Assert.All(reports.Where(report => !report.IsEpochEnd), report => Assert.True(double.IsNaN(report.EpochTrainingLoss)));
    }

    [Fact]
    public void Train_ArticleRunResumedMidEpoch_BitIdenticalWithTheSameEpochMeans()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(12));
        TrainingOptions options = TrainingOptions.Article with { MaxEpochs = null, EvaluateEvery = 7 };
        CharModel<float> NewModel()
        {
            var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 16);
            model.Initialize(Initialization.ArticleNormal, 5);
            return model;
        }

        int windows = corpus.Length / 26;
        long total = 2 * windows, split = windows + windows / 2;
        var straightMeans = new List<double>();
        CharModel<float> straight = NewModel();
        new Trainer(straight, options with { MaxSteps = total }).Train(corpus, new Collect(report => AddMean(straightMeans, report)));

        var resumedMeans = new List<double>();
        CharModel<float> first = NewModel();
        var firstTrainer = new Trainer(first, options with { MaxSteps = split });
        firstTrainer.Train(corpus, new Collect(report => AddMean(resumedMeans, report)));
        string path = Path.Combine(_directory, "article.safetensors");
        Checkpoint.Save(path, first, corpus.Vocabulary, firstTrainer);

        LoadedCheckpoint loaded = Checkpoint.Load(path);
        TrainingOptions saved = Checkpoint.ReadTrainingOptions(loaded)!;
        Assert.Equal(options with { MaxSteps = split }, saved);
        var resumed = new Trainer(loaded.Model, saved with { MaxSteps = total });
        Checkpoint.RestoreTrainer(loaded, resumed);
        resumed.Train(corpus, new Collect(report => AddMean(resumedMeans, report)));

        Assert.Equal(straight.ParameterBuffers.SelectMany(buffer => buffer.Parameters), loaded.Model.ParameterBuffers.SelectMany(buffer => buffer.Parameters));
        Assert.Equal(2, straightMeans.Count);
        Assert.Equal(straightMeans, resumedMeans);
    }

    [Fact]
    public void TrainingOptions_EpsilonInsideRootWithAdam_ReportedAsIneffective()
    {
        Assert.Contains(new TrainingOptions { EpsilonPlacement = EpsilonPlacement.InsideRoot }.FindIneffectiveOptions(), found => found.Option == "EpsilonPlacement");
        Assert.DoesNotContain(TrainingOptions.Article.FindIneffectiveOptions(), found => found.Option == "EpsilonPlacement");
    }

    private static void AddMean(List<double> means, TrainingProgress report)
    {
        if (report.IsEpochEnd)
        {
            means.Add(report.EpochTrainingLoss);
        }
    }

    private sealed class Collect(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }
}
