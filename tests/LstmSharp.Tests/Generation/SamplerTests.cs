using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Generation;

public sealed class SamplerTests
{
    private static readonly Lazy<(CharModel<float> Model, Vocabulary Vocabulary)> Trained = new(() =>
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(40));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 48);
        model.Initialize(Initialization.PyTorchUniform, 5);
        new Trainer(model, new TrainingOptions { SequenceLength = 32, BatchSize = 8, LearningRate = 1e-2, MaxSteps = 250, EvaluateEvery = 1000 }).Train(corpus);
        return (model, corpus.Vocabulary);
    });

    private static Sampler Create(SamplingOptions options) => new(Trained.Value.Model, Trained.Value.Vocabulary, options);

    [Fact]
    public void Generate_SameSeed_SameText()
    {
        string Run()
        {
            Sampler sampler = Create(new SamplingOptions { Seed = 42, Temperature = 0.9 });
            sampler.Prime("the ");
            return string.Concat(sampler.Generate(120));
        }

        string first = Run();
        Assert.Equal(120, first.Length);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void Generate_Greedy_ContinuesTheMemorisedText()
    {
        Sampler sampler = Create(new SamplingOptions { Greedy = true });
        sampler.Prime("the quick brown ");

        Assert.StartsWith("fox jumps", string.Concat(sampler.Generate(20)), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_AfterPrime_MatchesPredictOnTheWholeText()
    {
        // O(1) per character must not change the result: stepping one character at a time equals one pass over the whole text.
        (CharModel<float> model, Vocabulary vocabulary) = Trained.Value;
        Sampler sampler = Create(new SamplingOptions { Seed = 7 });
        sampler.Prime("sphinx of ");
        string generated = string.Concat(sampler.Generate(30));

        int[] ids = vocabulary.Encode("sphinx of " + generated);
        var logits = new float[ids.Length * model.VocabularySize];
        var state = new ModelState<float>(model, 1);
        model.Predict(ids, ids.Length, 1, null, state, logits);

        var stepLogits = new float[model.VocabularySize];
        var stepState = new ModelState<float>(model, 1);
        for (int position = 0; position < ids.Length; position++)
        {
            model.Predict(ids.AsSpan(position, 1), 1, 1, stepState, stepState, stepLogits);
            Assert.Equal(logits.AsSpan(position * model.VocabularySize, model.VocabularySize).ToArray(), stepLogits);
        }
    }

    [Fact]
    public void Generate_TopKOfOne_EqualsGreedy()
    {
        Sampler greedy = Create(new SamplingOptions { Greedy = true });
        Sampler topOne = Create(new SamplingOptions { TopK = 1, Seed = 3, Temperature = 2.0 });
        greedy.Prime("how ");
        topOne.Prime("how ");

        Assert.Equal(string.Concat(greedy.Generate(60)), string.Concat(topOne.Generate(60)));
    }

    [Fact]
    public void Generate_TinyTopP_EqualsGreedy()
    {
        Sampler greedy = Create(new SamplingOptions { Greedy = true });
        Sampler nucleus = Create(new SamplingOptions { TopP = 1e-6, Seed = 9 });
        greedy.Prime("pack ");
        nucleus.Prime("pack ");

        Assert.Equal(string.Concat(greedy.Generate(60)), string.Concat(nucleus.Generate(60)));
    }

    [Fact]
    public void Generate_TopK_OnlyEmitsTheKMostLikely()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Trained.Value;
        var logits = new float[5 * model.VocabularySize];
        var state = new ModelState<float>(model, 1);
        model.Predict(vocabulary.Encode("judge"), 5, 1, null, state, logits);
        float[] last = logits[(4 * model.VocabularySize)..];
        int[] allowed = [.. Enumerable.Range(0, last.Length).OrderByDescending(id => last[id]).Take(3)];

        for (int trial = 0; trial < 50; trial++)
        {
            Sampler fresh = Create(new SamplingOptions { TopK = 3, Seed = (ulong)trial, Temperature = 5.0 });
            fresh.Prime("judge");
            Assert.Contains(fresh.NextId(), allowed);
        }
    }

    [Fact]
    public async Task GenerateAsync_SameSeed_SameTextAsSynchronous()
    {
        Sampler synchronous = Create(new SamplingOptions { Seed = 11 });
        Sampler asynchronous = Create(new SamplingOptions { Seed = 11 });
        synchronous.Prime("the ");
        asynchronous.Prime("the ");
        var streamed = new List<string>();
        await foreach (string piece in asynchronous.GenerateAsync(40))
        {
            streamed.Add(piece);
        }

        Assert.Equal(string.Concat(synchronous.Generate(40)), string.Concat(streamed));
    }

    [Fact]
    public void Prime_UnknownCharacters_NamesThemAll()
    {
        Sampler sampler = Create(new SamplingOptions());

        ArgumentException error = Assert.Throws<ArgumentException>(() => sampler.Prime("the QUIZ"));

        Assert.Equal("text", error.ParamName);
        Assert.Contains("'Q' (U+0051)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Z' (U+005A)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 0, 1.0, "Temperature")]
    [InlineData(-1.0, 0, 1.0, "Temperature")]
    [InlineData(1.0, -1, 1.0, "TopK")]
    [InlineData(1.0, 0, 0.0, "TopP")]
    [InlineData(1.0, 0, 1.5, "TopP")]
    public void Sampler_OptionOutOfRange_ThrowsNamingIt(double temperature, int topK, double topP, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP }));
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void NextId_BeforePrime_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => Create(new SamplingOptions()).NextId());
    }

    [Fact]
    public void Score_MemorisedText_FarBelowUniformAndConsistent()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Trained.Value;

        TextScore score = TextScorer.Score(model, vocabulary, TestText.Pangrams);
        TextScore inSmallWindows = TextScorer.Score(model, vocabulary, TestText.Pangrams, windowLength: 7);

        Assert.Equal(TestText.Pangrams.Length - 1, score.Characters);
        Assert.True(score.NatsPerCharacter < 0.5 * Math.Log(vocabulary.Count));
        Assert.Equal(score.NatsPerCharacter / Math.Log(2), score.BitsPerCharacter, 12);
        Assert.Equal(Math.Exp(score.NatsPerCharacter), score.Perplexity, 12);
        Assert.Equal(score.LogProbability, inSmallWindows.LogProbability, 3);
    }
}

public sealed class ConcurrentSamplingTests
{
    [Fact]
    public void Generate_EightSamplersOnOneModelInParallel_SameTextAsOneAtATime()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(5));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 64, 2);
        model.Initialize(Initialization.PyTorchUniform, 4);
        string Sample(int seed)
        {
            var sampler = new Sampler(model, corpus.Vocabulary, new SamplingOptions { Seed = (ulong)seed, TopP = 0.9 });
            sampler.Prime("the ");
            return string.Concat(sampler.Generate(400));
        }

        string[] sequential = [.. Enumerable.Range(0, 8).Select(Sample)];
        string[] parallel = new string[8];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, seed => parallel[seed] = Sample(seed));

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Backward_OnInferenceView_ThrowsInvalidOperation()
    {
        var model = new CharModel<double>(CellType.Gru, 3, 2);
        CharModel<double> view = model.CreateInferenceView();
        var state = new ModelState<double>(view, 1);
        view.Forward([0, 1], [1, 2], 2, 1, null, state);

        Assert.True(view.IsInferenceView);
        Assert.Throws<InvalidOperationException>(() => view.Backward());
    }

    [Fact]
    public void CreateInferenceView_SharesParameters_SeesUpdates()
    {
        var model = new CharModel<float>(CellType.Rnn, 3, 2);
        CharModel<float> view = model.CreateInferenceView();
        model.Head.Bias[1] = 5f;

        Assert.Equal(5f, view.Head.Bias[1]);
    }
}

[Collection(ProcessWideSettings.Name)]
public sealed class SamplerAllocationTests
{
    [Fact]
    public void NextId_AfterWarmUp_AllocatesNothing()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(2));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 48);
        model.Initialize(Initialization.PyTorchUniform, 5);
        var sampler = new Sampler(model, corpus.Vocabulary, new SamplingOptions { Seed = 2, TopK = 5, TopP = 0.9 });
        sampler.Prime("the ");
        sampler.NextId();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int index = 0; index < 500; index++)
        {
            sampler.NextId();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
