using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Serialization;

/// <summary>
/// A real checkpoint (model, vocabulary, options, optimizer state, carried state, trainer position), damaged in every
/// way the safetensors fuzzer knows, then put through the whole resume path (<see cref="Checkpoint.Load"/>,
/// <see cref="Checkpoint.ReadTrainingOptions"/>, a trainer, <see cref="Checkpoint.RestoreTrainer"/>): each throws
/// <see cref="InvalidDataException"/>, or the damage left the file byte-identical to the original.
/// </summary>
public sealed class CheckpointFuzzTests : IDisposable
{
    private static readonly Lazy<(byte[] Bytes, float[] Parameters)> Original = new(() =>
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(3));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 4, 2);
        model.Initialize(Initialization.PyTorchUniform, 1);
        var trainer = new Trainer(model, new TrainingOptions { SequenceLength = 8, BatchSize = 2, MaxSteps = 2, EvaluateEvery = 100 });
        trainer.Train(corpus);
        string path = Path.Combine(Path.GetTempPath(), $"lstmsharp-fuzz-{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(path, model, corpus.Vocabulary, trainer);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return (bytes, [.. model.ParameterBuffers.SelectMany(buffer => buffer.Parameters)]);
    });

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lstmsharp-fuzz-{Guid.NewGuid():N}.safetensors");

    public void Dispose() => File.Delete(_path);

    [Property(Arbitrary = [typeof(CheckpointFuzzCases)], MaxTest = 3000)]
    public void Resume_MutatedCheckpoint_ThrowsInvalidDataOrIsTheOriginal(FileMutation[] mutations)
    {
        byte[] damaged = mutations.Aggregate(Original.Value.Bytes, (file, mutation) => mutation.Apply(file));
        Trainer resumed;
        try
        {
            resumed = CheckpointIntegrityTests.Resume(Checkpoint.LoadBytes(damaged, "fuzzed"));
        }
        catch (InvalidDataException)
        {
            return;
        }

        Assert.Equal(Original.Value.Bytes, damaged);
        Assert.Equal(Original.Value.Parameters, resumed.Model.ParameterBuffers.SelectMany(buffer => buffer.Parameters));
    }

    [Property(Arbitrary = [typeof(CheckpointFuzzCases)], MaxTest = 300)]
    public void Load_MutatedCheckpointFile_ThrowsInvalidDataOrIsTheOriginal(FileMutation[] mutations)
    {
        // The same through the file system, as the CLI reads it.
        byte[] damaged = mutations.Aggregate(Original.Value.Bytes, (file, mutation) => mutation.Apply(file));
        File.WriteAllBytes(_path, damaged);
        try
        {
            CheckpointIntegrityTests.Resume(Checkpoint.Load(_path));
        }
        catch (InvalidDataException)
        {
            return;
        }

        Assert.Equal(Original.Value.Bytes, damaged);
    }

    [Fact]
    public void Load_ChecksumKeyRenamedAndDataBitFlipped_ThrowsInvalidData()
    {
        // Found by the property above: renaming the checksum key disabled verification, so a flipped weight loaded silently.
        byte[] damaged = [.. Original.Value.Bytes];
        byte[] key = System.Text.Encoding.UTF8.GetBytes(SafeTensors.DataSha256Key);
        int at = damaged.AsSpan().IndexOf(key);
        damaged[at] = (byte)'X';
        damaged[^5] ^= 0x04;
        File.WriteAllBytes(_path, damaged);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_path));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>One to three mutations of a checkpoint file.</summary>
public static class CheckpointFuzzCases
{
    /// <summary>The damage to apply, in order.</summary>
    public static Arbitrary<FileMutation[]> Mutations() =>
        (from count in Gen.Choose(1, 3)
         from mutations in SafeTensorsFuzzCases.Mutation().ArrayOf(count)
         select mutations).ToArbitrary();
}
