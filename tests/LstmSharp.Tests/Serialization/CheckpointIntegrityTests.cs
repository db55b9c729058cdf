using System.Text;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;
using Xunit.Abstractions;

namespace LstmSharp.Tests.Serialization;

/// <summary>
/// The whole-file checksum of format 2: any change to any byte of a checkpoint (header, metadata or data) is an
/// <see cref="InvalidDataException"/>, and a format-1 file (data checksum only) loads with a warning.
/// </summary>
public sealed class CheckpointIntegrityTests(ITestOutputHelper output)
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Serialization", "Fixtures");

    /// <summary>A small resumable checkpoint (model, vocabulary, options, optimizer moments, carried state, position).</summary>
    internal static readonly Lazy<byte[]> Resumable = new(() => Save(hiddenSize: 2, Corpus.FromText("abcab\nbca cab\n" + "abc cba\n")));

    internal static byte[] Save(int hiddenSize, Corpus corpus)
    {
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, hiddenSize, 1);
        model.Initialize(Initialization.PyTorchUniform, 3);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = 3, BatchSize = 2, MaxSteps = 2, EvaluateEvery = 100, Schedule = new CosineSchedule(1e-2, 100) });
        trainer.Train(corpus);
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "resumable.safetensors");
        Checkpoint.Save(path, model, corpus.Vocabulary, trainer);
        return File.ReadAllBytes(path);
    }

    /// <summary>The full resume path: model, vocabulary, options, optimizer state, carried state and position.</summary>
    internal static Trainer Resume(LoadedCheckpoint checkpoint, long? maxSteps = null)
    {
        TrainingOptions options = Checkpoint.ReadTrainingOptions(checkpoint) ?? throw new InvalidDataException("no options");
        var trainer = new Trainer(checkpoint.Model, maxSteps is null ? options : options with { MaxSteps = maxSteps });
        Checkpoint.RestoreTrainer(checkpoint, trainer);
        return trainer;
    }

    [Fact]
    public void Save_WritesFormatTwoWithAWholeFileChecksum()
    {
        LoadedCheckpoint loaded = Checkpoint.LoadBytes(Resumable.Value, "resumable");

        Assert.Equal(Checkpoint.FormatVersion, loaded.Document.Metadata[Checkpoint.FormatKey]);
        Assert.Equal("2", Checkpoint.FormatVersion);
        Assert.Equal(SafeTensorsChecksum.WholeFile, loaded.Document.Checksum);
        Assert.Null(loaded.IntegrityWarning);
        Assert.Equal(2, Resume(loaded).Step);
    }

    [Fact]
    public void Load_EverySingleBitFlipped_ThrowsInvalidDataNamingTheChecksumOrStructure()
    {
        // Every bit of every byte: prefix, header (format, keys, vocabulary, options, positions, padding) and data.
        // None may load, in particular none may pass for a format-1 file.
        byte[] original = Resumable.Value;
        int flips = 0;
        for (int bit = 0; bit < original.Length * 8; bit++)
        {
            byte[] damaged = [.. original];
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => Resume(Checkpoint.LoadBytes(damaged, "flipped")));
            Assert.StartsWith("The checkpoint 'flipped'", error.Message, StringComparison.Ordinal);
            flips++;
        }

        Assert.Equal(original.Length * 8, flips);
        output.WriteLine($"{original.Length} bytes, {flips} single-bit flips, all rejected");
        Assert.True(flips > 8000, $"only {flips} bits flipped");
    }

    [Fact]
    public void Load_FormatOrChecksumKeysRewrittenToAnyByte_NeverPassesForFormatOne()
    {
        // Every possible value of each byte that tells the formats apart: the version digit and both checksum keys.
        byte[] original = Resumable.Value;
        var positions = new List<int> { IndexOfValue(original, "\"" + Checkpoint.FormatKey + "\":\"") };
        foreach (string key in new[] { SafeTensors.FileSha256Key, SafeTensors.DataSha256Key })
        {
            int at = original.AsSpan().IndexOf(Encoding.UTF8.GetBytes("\"" + key + "\""));
            Assert.True(at > 0, key);
            positions.AddRange(Enumerable.Range(at, key.Length + 2));
        }

        int files = 0;
        foreach (int position in positions)
        {
            for (int value = 0; value < 256; value++)
            {
                if (value == original[position])
                {
                    continue;
                }

                byte[] damaged = [.. original];
                damaged[position] = (byte)value;
                Assert.Throws<InvalidDataException>(() => Checkpoint.LoadBytes(damaged, "rewritten"));
                files++;
            }
        }

        output.WriteLine($"{positions.Count} positions, {files} rewritten files, all rejected");
    }

    [Fact]
    public void Load_MetadataByteFlipped_ThrowsNamingTheHeader()
    {
        // The example: a flip inside the key of optimizer.step_count used to load and sample with exit 0.
        byte[] damaged = [.. Resumable.Value];
        damaged[damaged.AsSpan().IndexOf("optimizer.step_count"u8) + 12] ^= 0x01;

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadBytes(damaged, "flipped"));

        Assert.Contains("header", error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DataByteFlipped_ThrowsNamingTheTensorData()
    {
        byte[] damaged = [.. Resumable.Value];
        damaged[^3] ^= 0x10;

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadBytes(damaged, "flipped"));

        Assert.Contains("tensor data fails its checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ChecksumDigitsUppercased_ThrowsInvalidData()
    {
        byte[] damaged = [.. Resumable.Value];
        int digits = IndexOfValue(damaged, "\"" + SafeTensors.FileSha256Key + "\":\"");
        int letter = Enumerable.Range(digits, 64).First(index => damaged[index] is >= (byte)'a' and <= (byte)'f');
        damaged[letter] = (byte)char.ToUpperInvariant((char)damaged[letter]);

        Assert.Throws<InvalidDataException>(() => Checkpoint.LoadBytes(damaged, "upper"));
    }

    [Fact]
    public void Load_FormatOneFile_LoadsWithAWarningNamingWhatIsUnverifiedAndResumes()
    {
        // Written by the format-1 code (commit bc7c399): `lstmsharp train --hidden 4 --layers 2 --seq-length 8
        // --batch 2 --steps 3` on format1-corpus.txt.
        string path = Path.Combine(FixtureDirectory, "format1-resumable.safetensors");

        LoadedCheckpoint loaded = Checkpoint.Load(path);

        Assert.Equal("1", loaded.Document.Metadata[Checkpoint.FormatKey]);
        Assert.Equal(SafeTensorsChecksum.DataOnly, loaded.Document.Checksum);
        Assert.NotNull(loaded.IntegrityWarning);
        Assert.Contains("format-1", loaded.IntegrityWarning, StringComparison.Ordinal);
        Assert.Contains("header is unverified", loaded.IntegrityWarning, StringComparison.Ordinal);
        Assert.Contains("vocabulary", loaded.IntegrityWarning, StringComparison.Ordinal);
        Assert.Contains("training options", loaded.IntegrityWarning, StringComparison.Ordinal);
        Trainer trainer = Resume(loaded, maxSteps: 5);
        Assert.Equal(3, trainer.Step);
        Assert.Equal(3, trainer.Optimizer.StepCount);

        // Resuming continues and saves format 2, verified whole.
        Corpus corpus = Corpus.FromFile(Path.Combine(FixtureDirectory, "format1-corpus.txt"), loaded.Vocabulary);
        trainer.Train(corpus);
        using var directory = new TempDirectory();
        string resaved = Path.Combine(directory.Path, "resaved.safetensors");
        Checkpoint.Save(resaved, loaded.Model, loaded.Vocabulary, trainer);
        LoadedCheckpoint again = Checkpoint.Load(resaved);
        Assert.Equal(SafeTensorsChecksum.WholeFile, again.Document.Checksum);
        Assert.Null(again.IntegrityWarning);
        Assert.Equal(5, Resume(again).Step);
    }

    [Fact]
    public void Load_FormatOneFileWithADataBitFlipped_ThrowsInvalidData()
    {
        byte[] damaged = File.ReadAllBytes(Path.Combine(FixtureDirectory, "format1-resumable.safetensors"));
        damaged[^7] ^= 0x02;

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadBytes(damaged, "old"));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FormatTwoWithoutTheWholeFileChecksum_ThrowsInvalidData()
    {
        // A format-2 header stripped of its whole-file checksum (and re-signed for the data only, as format 1 was).
        LoadedCheckpoint loaded = Checkpoint.LoadBytes(Resumable.Value, "resumable");
        byte[] legacyLayout = FormatOneLayout(loaded.Document, version: Checkpoint.FormatVersion);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadBytes(legacyLayout, "stripped"));

        Assert.Contains(SafeTensors.FileSha256Key, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Rewrites a document the way the format-1 writer did: a data checksum only.</summary>
    private static byte[] FormatOneLayout(SafeTensorsDocument document, string version)
    {
        byte[] rewritten = SafeTensors.Serialize(document.Tensors, document.Metadata.Where(pair => pair.Key != Checkpoint.FormatKey)
            .Append(new(Checkpoint.FormatKey, version)).ToDictionary());
        // Blank the whole-file checksum's key so only the data checksum is recognised (same length: offsets hold).
        int at = rewritten.AsSpan().IndexOf(Encoding.UTF8.GetBytes("\"" + SafeTensors.FileSha256Key + "\""));
        rewritten[at + 1] = (byte)'x';
        return rewritten;
    }

    private static int IndexOfValue(byte[] file, string keyAndOpeningQuote)
    {
        int at = file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(keyAndOpeningQuote));
        Assert.True(at > 0, keyAndOpeningQuote);
        return at + keyAndOpeningQuote.Length;
    }
}
