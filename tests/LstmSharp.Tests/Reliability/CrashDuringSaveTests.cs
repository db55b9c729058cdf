using System.Diagnostics;
using LstmSharp.Serialization;
using Xunit;

namespace LstmSharp.Tests.Reliability;

/// <summary>Kills a process in the middle of writing a checkpoint, again and again: the file it overwrites always loads.</summary>
public sealed class CrashDuringSaveTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-crash-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Save_ProcessKilledMidWrite_PreviousCheckpointStillLoads()
    {
        string path = Path.Combine(_directory, "model.safetensors");
        string host = Path.Combine(AppContext.BaseDirectory, "LstmSharp.FaultHost.dll");
        var random = new Random(1);
        int kills = 0;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", host, path, "512"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            // Let it finish at least one save (so a previous checkpoint exists), then kill it at a random moment,
            // which with saves back to back is almost always in the middle of writing the next one.
            Assert.StartsWith("saved", process.StandardOutput.ReadLine(), StringComparison.Ordinal);
            Thread.Sleep(random.Next(5, 120));
            process.Kill();
            process.WaitForExit();
            kills++;

            LoadedCheckpoint loaded = Checkpoint.Load(path);
            Assert.Equal(512, loaded.Model.HiddenSize);
        }

        Assert.Equal(6, kills);
    }
}
