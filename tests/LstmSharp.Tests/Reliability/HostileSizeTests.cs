using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Tests.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;
using Xunit.Abstractions;

namespace LstmSharp.Tests.Reliability;

/// <summary>Hostile sizes: each ends with a clear error or works, with memory bounded, never an out-of-memory crash or a hang.</summary>
public sealed class HostileSizeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("model.hidden_size", "1000000000")]
    [InlineData("model.vocabulary_size", "1000000000")]
    [InlineData("model.hidden_size", "65536")]      // the largest H accepted: the tensors must then say so too
    [InlineData("model.num_layers", "64")]
    public void Load_HeaderDeclaresHugeSizes_ThrowsBeforeAllocatingTheModel(string key, string value)
    {
        // A well-formed, correctly checksummed file whose metadata declares sizes its tensors do not have.
        using var directory = new TempDirectory();
        Vocabulary vocabulary = Vocabulary.FromText("abc");
        var model = new CharModel<float>(CellType.Lstm, vocabulary.Count, 4, 1);
        Checkpoint.Save(directory.File("ok.safetensors"), model, vocabulary);
        SafeTensorsDocument document = SafeTensors.Read(directory.File("ok.safetensors"));
        var metadata = document.Metadata.ToDictionary(pair => pair.Key, pair => pair.Value);
        metadata[key] = value;
        SafeTensors.Write(directory.File("hostile.safetensors"), document.Tensors, metadata);

        long before = GC.GetAllocatedBytesForCurrentThread();
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(directory.File("hostile.safetensors")));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{key} = {value}: {error.Message} ({allocated:N0} bytes allocated)");
        Assert.True(allocated < 1 << 20, $"{allocated:N0} bytes allocated before the error");
    }

    [Fact]
    [Trait("Category", "Soak")]   // ~10 s: 10⁷ single-character steps
    public void Prime_TenMillionCharacters_WorksInBoundedMemory()
    {
        // 10⁷ characters through a tiny model: the prime is encoded a chunk at a time, so priming allocates nothing
        // in proportion to its length (the caller's string is the only copy).
        Vocabulary vocabulary = Vocabulary.FromText("ab\n");
        var model = new CharModel<float>(CellType.Rnn, vocabulary.Count, 1, 1);
        model.Initialize(Initialization.PyTorchUniform, 1);
        string prime = string.Create(10_000_000, 0, (span, _) =>
        {
            for (int index = 0; index < span.Length; index++)
            {
                span[index] = "ab\n"[index % 3];
            }
        });
        var sampler = new Sampler(model, vocabulary, new SamplingOptions { Seed = 1 });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        long before = GC.GetAllocatedBytesForCurrentThread();
        sampler.Prime(prime);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"primed 10,000,000 characters in {clock.Elapsed.TotalSeconds:F1} s, {allocated:N0} bytes allocated");
        Assert.True(allocated < 1 << 16, $"{allocated:N0} bytes allocated while priming");
        Assert.Single(sampler.Generate(1));
    }

    [Fact]
    public void Train_CorpusOf100000DistinctCharacters_TrainsSavesLoadsAndSamples()
    {
        // 100,000 scalar values from U+4E00 on (CJK and beyond, surrogates skipped), each two or three times.
        int[] characters = [.. Enumerable.Range(0x4E00, 120_000).Where(value => value is < 0xD800 or > 0xDFFF).Take(100_000)];
        var text = new System.Text.StringBuilder();
        foreach (int copy in new[] { 100_000, 100_000, 50_000 })
        {
            foreach (int value in characters.AsSpan(0, copy))
            {
                text.Append(char.ConvertFromUtf32(value));
            }
        }

        Corpus corpus = Corpus.FromText(text.ToString());
        Assert.Equal(100_000, corpus.Vocabulary.Count);
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 8, 1);
        model.Initialize(Initialization.PyTorchUniform, 2);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = 8, BatchSize = 2, MaxSteps = 2, EvaluateEvery = 100, MaxValidationCharacters = 64 });
        trainer.Train(corpus);

        using var directory = new TempDirectory();
        Checkpoint.Save(directory.File("wide.safetensors"), model, corpus.Vocabulary, trainer);
        LoadedCheckpoint loaded = Checkpoint.Load(directory.File("wide.safetensors"));
        Assert.Equal(corpus.Vocabulary, loaded.Vocabulary);
        var sampler = new Sampler(loaded.Model, loaded.Vocabulary, new SamplingOptions { Seed = 3 });
        sampler.Prime(char.ConvertFromUtf32(0x4E00));
        Assert.Equal(20, sampler.Generate(20).Count());
        output.WriteLine($"V = {corpus.Vocabulary.Count:N0}: checkpoint {new FileInfo(directory.File("wide.safetensors")).Length:N0} bytes");
    }
}
