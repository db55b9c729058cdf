using System.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Tests.Serialization;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Reliability;

/// <summary>A save removes the temporary files of writers that are no longer running, and never a live writer's.</summary>
public sealed class StaleTemporaryFileTests
{
    [Fact]
    public void Save_RemovesDeadWritersTemporaryFilesAndKeepsLiveOnesAndForeignFiles()
    {
        using var directory = new TempDirectory();
        int dead = ExitedProcessId();
        using Process live = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            string deadBest = AtomicFile.TemporaryName("model.safetensors", dead, Guid.NewGuid());
            string deadLatest = AtomicFile.TemporaryName("model.last.safetensors", dead, Guid.NewGuid());
            string liveWriter = AtomicFile.TemporaryName("model.safetensors", live.Id, Guid.NewGuid());
            string[] foreign = [".model.safetensors.0123456789abcdef0123456789abcdef.tmp", ".notes.tmp", "model.tmp", $".x.{dead}.short.tmp"];
            foreach (string name in (string[])[deadBest, deadLatest, liveWriter, .. foreign])
            {
                File.WriteAllText(directory.File(name), "partial");
            }

            Vocabulary vocabulary = Vocabulary.FromText("ab");
            Checkpoint.Save(directory.File("model.last.safetensors"), new CharModel<float>(CellType.Rnn, 2, 2, 1), vocabulary);

            string[] expected = [liveWriter, .. foreign, "model.last.safetensors"];
            Assert.Equal(expected.Order(StringComparer.Ordinal), directory.Entries());
        }
        finally
        {
            live.Kill();
            live.WaitForExit();
        }
    }

    [Theory]
    [InlineData(".model.safetensors.4242.0123456789abcdef0123456789abcdef.tmp", true, 4242)]
    [InlineData(".a.b.c.17.0123456789abcdef0123456789abcdef.tmp", true, 17)]
    [InlineData(".model.safetensors.0123456789abcdef0123456789abcdef.tmp", false, 0)]
    [InlineData(".model.safetensors.-1.0123456789abcdef0123456789abcdef.tmp", false, 0)]
    [InlineData(".model.safetensors.12.0123456789ABCDEF0123456789ABCDEF.tmp", false, 0)]
    [InlineData("model.safetensors.12.0123456789abcdef0123456789abcdef.tmp", false, 0)]
    [InlineData(".12.0123456789abcdef0123456789abcdef.tmp", false, 0)]
    public void TryParseWriter_OnlyTheWritersOwnPattern(string name, bool expected, int processId)
    {
        Assert.Equal(expected, AtomicFile.TryParseWriter(name, out int parsed));
        Assert.Equal(processId, parsed);
    }

    private static int ExitedProcessId()
    {
        using Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}

/// <summary>Two processes saving to one checkpoint path at once, while this one reads it: every read loads, and so does the end.</summary>
public sealed class TwoWritersOnePathTests
{
    [Fact]
    public void Save_TwoProcessesToOnePath_EveryReadAndTheLastFileLoad()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        string host = Path.Combine(AppContext.BaseDirectory, "LstmSharp.FaultHost.dll");
        Process[] writers = [.. new[] { "64", "96" }.Select(size => Process.Start(new ProcessStartInfo("dotnet", ["exec", host, path, size])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!)];
        var sizesRead = new HashSet<int>();
        int loads = 0;
        try
        {
            foreach (Process writer in writers)
            {
                Assert.StartsWith("saved", writer.StandardOutput.ReadLine(), StringComparison.Ordinal);
                _ = writer.StandardOutput.ReadToEndAsync();   // keep its pipe drained
            }

            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(3) || sizesRead.Count < 2)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the two writers never both landed a save");
                sizesRead.Add(Checkpoint.Load(path).Model.HiddenSize);   // throws if a read ever sees a damaged file
                loads++;
            }
        }
        finally
        {
            foreach (Process writer in writers)
            {
                writer.Kill();
                writer.WaitForExit();
                writer.Dispose();
            }
        }

        Assert.Equal([64, 96], sizesRead.Order());
        Assert.Contains(Checkpoint.Load(path).Model.HiddenSize, (int[])[64, 96]);
        Assert.True(loads > 10, $"{loads} loads");

        // The killed writers may have left temporary files; the next save removes them.
        Checkpoint.Save(path, new CharModel<float>(CellType.Rnn, 2, 2, 1), Vocabulary.FromText("ab"));
        Assert.Equal(["model.safetensors"], directory.Entries());
    }
}
