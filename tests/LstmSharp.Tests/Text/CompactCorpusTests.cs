using System.Text;
using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Text;

/// <summary>Corpus ids held in one byte (V ≤ 256) or two (V ≤ 65,536), and training and scoring that read them as they are.</summary>
public sealed class CompactCorpusTests
{
    // A text of V distinct characters (from U+0100 up for V > 200, so the ids are not Latin-1 by accident), repeated.
    private static string TextOf(int vocabularySize, int length)
    {
        var random = new Random(vocabularySize);
        int[] scalars = [.. Enumerable.Range(0, vocabularySize).Select(index => vocabularySize > 200 ? 0x100 + index : 'a' + index)];
        var text = new StringBuilder();
        foreach (int scalar in scalars)
        {
            text.Append(char.ConvertFromUtf32(scalar));   // every character at least once
        }

        while (text.Length < length)
        {
            text.Append(char.ConvertFromUtf32(scalars[random.Next(Math.Min(scalars.Length, 12))]));
        }

        return text.ToString();
    }

    [Theory]
    [InlineData(20, 1)]
    [InlineData(256, 1)]
    [InlineData(257, 2)]
    [InlineData(3000, 2)]
    public void FromTextAndFromFile_BytesPerId_FollowsTheVocabularySize(int vocabularySize, int bytesPerId)
    {
        string text = TextOf(vocabularySize, 5000);
        string path = Path.Combine(Path.GetTempPath(), $"lstmsharp-compact-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, text);
        try
        {
            Corpus fromText = Corpus.FromText(text), fromFile = Corpus.FromFile(path);

            Assert.Equal((bytesPerId, bytesPerId), (fromText.BytesPerId, fromFile.BytesPerId));
            Assert.Equal(vocabularySize, fromFile.Vocabulary.Count);
            Assert.Equal(fromFile.Vocabulary.Encode(text), fromFile.Ids);
            Assert.Equal(fromFile.Ids, Enumerable.Range(0, fromFile.Length).Select(position => fromFile[position]));
            Assert.Equal(text, fromFile.Vocabulary.Decode(fromFile.Ids));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(30)]
    [InlineData(300)]
    public void TrainAndScore_CompactCorpus_BitIdenticalToTheIntPath(int vocabularySize)
    {
        Corpus corpus = Corpus.FromText(TextOf(vocabularySize, 6000));
        var options = new TrainingOptions { SequenceLength = 8, BatchSize = 3, MaxSteps = 12, EvaluateEvery = 4, Dropout = 0.1 };
        CharModel<float> Fresh()
        {
            var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 8);
            model.Initialize(Initialization.PyTorchUniform, 3);
            return model;
        }

        CharModel<float> compact = Fresh(), wide = Fresh();
        TrainingResult fromCorpus = new Trainer(compact, options).Train(corpus);
        (ReadOnlyMemory<int> training, ReadOnlyMemory<int> validation) = corpus.Split(options.ValidationFraction);
        TrainingResult fromIds = new Trainer(wide, options).Train(training, validation);

        Assert.Equal(fromIds.ValidationLoss, fromCorpus.ValidationLoss);
        Assert.Equal(wide.ParameterBuffers.SelectMany(buffer => buffer.Parameters), compact.ParameterBuffers.SelectMany(buffer => buffer.Parameters));
        Assert.Equal(TextScorer.Score(compact, corpus.Ids).NatsPerCharacter, TextScorer.Score(compact, corpus).NatsPerCharacter);
    }

    [Fact]
    public void Train_SeparateValidationCorpus_ValidatesOnIt()
    {
        Corpus training = Corpus.FromText(TestText.Repeat(8));
        Corpus validation = training.WithVocabulary(training.Vocabulary);
        var model = new CharModel<float>(CellType.Gru, training.Vocabulary.Count, 8);
        model.Initialize(Initialization.PyTorchUniform, 1);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = 8, BatchSize = 2, MaxSteps = 5, EvaluateEvery = 5 });

        TrainingResult result = trainer.Train(training, Corpus.FromText("the lazy dog jumps", training.Vocabulary));

        Assert.Equal(trainer.Evaluate(Corpus.FromText("the lazy dog jumps", training.Vocabulary).Ids), result.ValidationLoss);
        Assert.Throws<ArgumentException>(() => trainer.Train(training, Corpus.FromText("abc")));
        Assert.Equal(training.Ids, validation.Ids);
    }
}
