using System.Security.Cryptography;
using System.Text;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>Fine-tuning onto a larger vocabulary, multi-file corpora and the corpus fingerprint a checkpoint records.</summary>
public sealed class FineTuningTests
{
    [Theory]
    [InlineData(CellType.Lstm, 1)]
    [InlineData(CellType.Gru, 2)]
    [InlineData(CellType.Rnn, 1)]
    public void Extend_NewCharacters_KeepsEveryWeightAndTheOldCharactersLogits(CellType cell, int layers)
    {
        Vocabulary old = Vocabulary.FromText("acegik ");
        Vocabulary extended = Vocabulary.FromText("abcdefghijk ");   // new characters sort between the old ones: ids shift
        var model = new CharModel<float>(cell, old.Count, 6, layers);
        model.Initialize(Initialization.PyTorchUniform, 5);

        CharModel<float> bigger = ModelVocabulary.Extend(model, old, extended, Initialization.PyTorchUniform, 8);

        // Every tensor: each old character's column/row/bias moved to its new id; all other tensors unchanged.
        var fresh = new CharModel<float>(cell, extended.Count, 6, layers);
        fresh.Initialize(Initialization.PyTorchUniform, 8);
        int[] newId = [.. old.Characters.Select(character => extended.TryGetId(character, out int id) ? id : -1)];
        for (int index = 0; index < model.Tensors.Count; index++)
        {
            ModelTensor<float> before = model.Tensors[index], after = bigger.Tensors[index], initial = fresh.Tensors[index];
            float[] a = before.Values.ToArray(), b = after.Values.ToArray(), f = initial.Values.ToArray();
            switch (before.Name)
            {
                case "rnn.weight_ih_l0":
                    for (int row = 0; row < before.Shape[0]; row++)
                    {
                        for (int id = 0; id < extended.Count; id++)
                        {
                            int oldId = Array.IndexOf(newId, id);
                            Assert.Equal(oldId >= 0 ? a[row * old.Count + oldId] : f[row * extended.Count + id], b[row * extended.Count + id]);
                        }
                    }

                    break;
                case "head.weight":
                    for (int id = 0; id < extended.Count; id++)
                    {
                        int oldId = Array.IndexOf(newId, id);
                        Assert.Equal(oldId >= 0 ? a.AsSpan(oldId * 6, 6).ToArray() : f.AsSpan(id * 6, 6).ToArray(), b.AsSpan(id * 6, 6).ToArray());
                    }

                    break;
                case "head.bias":
                    for (int id = 0; id < extended.Count; id++)
                    {
                        int oldId = Array.IndexOf(newId, id);
                        Assert.Equal(oldId >= 0 ? a[oldId] : f[id], b[id]);
                    }

                    break;
                default:
                    Assert.Equal(a, b);
                    break;
            }
        }

        // On text of old characters the old characters' logits are unchanged.
        const string text = "ace gik kigeca";
        int[] oldIds = old.Encode(text), newIds = extended.Encode(text);
        var oldLogits = new float[text.Length * old.Count];
        var newLogits = new float[text.Length * extended.Count];
        model.Predict(oldIds, text.Length, 1, null, new ModelState<float>(model, 1), oldLogits);
        bigger.Predict(newIds, text.Length, 1, null, new ModelState<float>(bigger, 1), newLogits);
        for (int step = 0; step < text.Length; step++)
        {
            for (int id = 0; id < old.Count; id++)
            {
                float expected = oldLogits[step * old.Count + id], actual = newLogits[step * extended.Count + newId[id]];
                Assert.True(Math.Abs(expected - actual) <= 1e-6f * Math.Max(1, Math.Abs(expected)), $"step {step} '{old[id]}': {actual} vs {expected}");
            }
        }
    }

    [Fact]
    public void Extend_VocabularyLackingAnOldCharacter_ThrowsNamingIt()
    {
        var model = new CharModel<float>(CellType.Lstm, 3, 2);
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            ModelVocabulary.Extend(model, Vocabulary.FromText("abc"), Vocabulary.FromText("abd"), Initialization.PyTorchUniform, 1));

        Assert.Equal("extended", error.ParamName);
        Assert.Contains("'c' (U+0063)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithVocabulary_MissingCharacters_NamesEveryOne()
    {
        Corpus corpus = Corpus.FromText("héllo wörld");

        ArgumentException error = Assert.Throws<ArgumentException>(() => corpus.WithVocabulary(Vocabulary.FromText("helo wrd")));

        Assert.Contains("lacks 2 character(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'é' (U+00E9)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ö' (U+00F6)", error.Message, StringComparison.Ordinal);
        Corpus remapped = corpus.WithVocabulary(Vocabulary.FromText("abcdefghijklmnopqrstuvwxyz éö"));
        Assert.Equal("héllo wörld", remapped.Vocabulary.Decode(remapped.Ids));
    }

    [Fact]
    public void FromFiles_SeveralFiles_EqualsTheirConcatenation()
    {
        using var directory = new TempDirectory();
        string[] parts = ["first file\n", "zweite Datei – ü\r\n", "third, no newline", "ünd \U0001F600 fourth\n"];
        string[] paths = [.. parts.Select((text, index) => directory.File($"{index}.txt"))];
        for (int index = 0; index < parts.Length; index++)
        {
            File.WriteAllText(paths[index], parts[index], new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }

        Corpus several = Corpus.FromFiles(paths);
        Corpus whole = Corpus.FromText(string.Concat(parts));

        Assert.Equal(whole.Vocabulary, several.Vocabulary);
        Assert.Equal(whole.Ids, several.Ids);
        Assert.Equal(whole.Sha256, several.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(paths.SelectMany(File.ReadAllBytes).ToArray())), several.Sha256);
    }

    [Fact]
    public void Checkpoint_CorpusFingerprints_RoundTrip()
    {
        using var directory = new TempDirectory();
        Corpus corpus = Corpus.FromText("some text to fingerprint");
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 2);
        var fingerprint = CorpusFingerprint.Of(corpus, [directory.File("a.txt"), directory.File("b.txt")]);
        var validation = new CorpusFingerprint(5, new string('0', 64), [directory.File("v.txt")]);
        string path = directory.File("m.safetensors");

        Checkpoint.Save(path, model, corpus.Vocabulary, null, fingerprint, validation);
        LoadedCheckpoint loaded = Checkpoint.Load(path);

        AssertSameFingerprint(fingerprint, Checkpoint.ReadCorpusFingerprint(loaded));
        AssertSameFingerprint(validation, Checkpoint.ReadValidationFingerprint(loaded));
        Assert.True(Checkpoint.ReadCorpusFingerprint(loaded)!.Matches(corpus));
        Assert.False(Checkpoint.ReadCorpusFingerprint(loaded)!.Matches(Corpus.FromText("some text to fingerprinT")));
        Checkpoint.Save(path, model, corpus.Vocabulary);
        Assert.Null(Checkpoint.ReadCorpusFingerprint(Checkpoint.Load(path)));
    }

    private static void AssertSameFingerprint(CorpusFingerprint expected, CorpusFingerprint? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.Sha256, actual.Sha256);
        Assert.Equal(expected.Paths, actual.Paths);
    }
}
