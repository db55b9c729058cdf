using LstmSharp.Serialization;
using Xunit;

namespace LstmSharp.Tests.Serialization;

/// <summary>A failed write leaves the previous file exactly as it was and no temporary file behind.</summary>
public sealed class SafeTensorsAtomicWriteTests
{
    [Fact]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTempFile()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        SafeTensors.Write(path, [SafeTensor.Create<float>("old", [1], [1f])]);

        SafeTensors.Write(path, [SafeTensor.Create<float>("new", [2], [2f, 3f])]);

        SafeTensorsDocument document = SafeTensors.Read(path);
        Assert.Equal("new", Assert.Single(document.Tensors).Name);
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void Write_EnumeratorThrowsMidway_LeavesOldFileIntactAndNoTempFile()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        SafeTensors.Write(path, SafeTensorsTestFiles.SampleTensors());
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => SafeTensors.Write(path, ThrowingMidway()));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void Write_FailsWhileWritingTempFile_LeavesOldFileIntactAndNoTempFile()
    {
        // The failure strikes after the temporary file exists and holds half the bytes: the path a full disk would take.
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        SafeTensors.Write(path, SafeTensorsTestFiles.SampleTensors());
        byte[] before = File.ReadAllBytes(path);
        byte[] replacement = SafeTensors.Serialize([SafeTensor.Create<float>("new", [1], [1f])]);
        string? seenTemp = null;

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(replacement, 0, replacement.Length / 2);
            stream.Flush();
            seenTemp = Assert.Single(directory.Entries(), entry => entry != "model.safetensors");
            throw new IOException("No space left on device (simulated).");
        }));

        Assert.NotNull(seenTemp);
        Assert.StartsWith(".model.safetensors.", seenTemp, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void Write_DestinationIsDirectory_ThrowsAndLeavesNoTempFile()
    {
        // The temporary file is complete and flushed, then the final move fails.
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.File("taken"));

        Assert.ThrowsAny<Exception>(() => SafeTensors.Write(directory.File("taken"), SafeTensorsTestFiles.SampleTensors()));

        Assert.Equal(["taken"], directory.Entries());
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.File("taken")));
    }

    [Fact]
    public void Write_ManyWritersToOnePath_FileIsAlwaysOneWholeVersion()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        byte[][] versions = [.. Enumerable.Range(0, 8).Select(version => SafeTensors.Serialize([SafeTensor.Create<int>("version", [1], [version])]))];

        Parallel.For(0, 32, index => SafeTensors.Write(path, [SafeTensor.Create<int>("version", [1], [index % 8])]));

        Assert.Contains(File.ReadAllBytes(path), versions);
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    private static IEnumerable<SafeTensor> ThrowingMidway()
    {
        yield return SafeTensor.Create<float>("first", [1], [1f]);
        throw new IOException("The source of tensors failed midway (simulated).");
    }
}
