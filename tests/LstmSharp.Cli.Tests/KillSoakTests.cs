using System.Diagnostics;
using LstmSharp.Serialization;
using Xunit.Abstractions;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// <c>lstmsharp train</c> killed with SIGKILL again and again (some kills proven to land inside a save, by the
/// temporary file they leave behind), resumed each time, ends bit-identical to an uninterrupted run, with no stray files.
/// </summary>
[Trait("Category", "Soak")]
public sealed class KillSoakTests(TrainedModelFixture fixture, ITestOutputHelper output) : IClassFixture<TrainedModelFixture>
{
    private const int Steps = 120;
    private const int Kills = 12;

    // Two layers with dropout (its masks derive from the step), Adam, a schedule: a save every 3 steps of ~2.7 MB.
    private static readonly string[] Model =
        ["--hidden", "128", "--layers", "2", "--dropout", "0.1", "--seq-length", "16", "--batch", "8", "--lr-decay", "0.9",
         "--eval-every", "3", "--sample-length", "0", "--seed", "5"];

    [Fact]
    public void Train_KilledAtRandomMomentsAndResumed_BitIdenticalToUninterruptedWithNoStrayFiles()
    {
        using var reference = new TempDirectory();
        CliResult uninterrupted = CliRunner.Run(["train", "--input", fixture.CorpusPath, "--steps", $"{Steps}", "--out", reference.File("model.safetensors"), .. Model]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        using var soak = new TempDirectory();
        string best = soak.File("model.safetensors"), latest = soak.File("model.last.safetensors");
        var random = new Random(14);
        int killsInsideASave = 0;
        for (int kill = 0; kill <= Kills; kill++)
        {
            string[] args = File.Exists(latest)
                ? ["train", "--resume", latest, "--input", fixture.CorpusPath, "--steps", $"{Steps}", "--sample-length", "0"]
                : ["train", "--input", fixture.CorpusPath, "--steps", $"{Steps}", "--out", best, .. Model];
            if (kill == Kills)
            {
                using Run run = Run.Start(args, soak.Path);
                run.Process.WaitForExit();
                Assert.True(run.Process.ExitCode == 0, run.Error.ToString());
                break;
            }

            // Alternate: the moment a save's Nth temporary file appears, or a random moment after the Nth progress line.
            using (Run run = kill % 2 == 0
                ? Run.Start(args, soak.Path, killAtTemporaryFile: random.Next(1, 5))
                : Run.Start(args, soak.Path, killAfterStepLine: random.Next(1, 4), delay: TimeSpan.FromMilliseconds(random.Next(0, 60))))
            {
                run.Process.WaitForExit();
                Assert.True(run.Killed, $"run {kill} ended before it could be killed (exit {run.Process.ExitCode}): {run.Error}");
                Assert.NotEqual(0, run.Process.ExitCode);
            }

            if (Directory.GetFiles(soak.Path, ".*.tmp").Length > 0)
            {
                killsInsideASave++;   // a temporary file outlives its process only if the kill landed between create and rename
            }

            // Whatever the moment, what is on disk loads (or was not written yet).
            foreach (string path in new[] { best, latest }.Where(File.Exists))
            {
                Checkpoint.Load(path);
            }
        }

        output.WriteLine($"{Kills} kills, {killsInsideASave} of them inside a save (proven by the temporary file left behind)");
        Assert.True(killsInsideASave >= 3, $"only {killsInsideASave} of {Kills} kills landed inside a save");
        AssertSameTensors(Checkpoint.Load(reference.File("model.last.safetensors")), Checkpoint.Load(latest));
        AssertSameTensors(Checkpoint.Load(reference.File("model.safetensors")), Checkpoint.Load(best));
        Assert.Equal(["model.last.safetensors", "model.safetensors"], Directory.GetFileSystemEntries(soak.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static void AssertSameTensors(LoadedCheckpoint expected, LoadedCheckpoint actual)
    {
        Assert.Equal(expected.Document.Tensors.Select(tensor => tensor.Name), actual.Document.Tensors.Select(tensor => tensor.Name));
        foreach (SafeTensor tensor in expected.Document.Tensors)
        {
            Assert.True(tensor.Data.Span.SequenceEqual(actual.Document[tensor.Name].Data.Span), $"{tensor.Name} differs");
        }

        foreach (string key in new[] { "trainer.step", "trainer.epoch", "trainer.window_in_epoch", "trainer.best_validation_loss", "optimizer.step_count" })
        {
            Assert.Equal(expected.Document.Metadata.GetValueOrDefault(key), actual.Document.Metadata.GetValueOrDefault(key));
        }
    }

    /// <summary>One <c>lstmsharp train</c> process, SIGKILLed (if asked) at its Nth temporary file or after its Nth progress line.</summary>
    private sealed class Run : IDisposable
    {
        private readonly FileSystemWatcher _watcher;
        private int _temporaryFiles, _stepLines, _killed;

        private Run(Process process, FileSystemWatcher watcher)
        {
            Process = process;
            _watcher = watcher;
        }

        public Process Process { get; }

        public System.Text.StringBuilder Error { get; } = new();

        public bool Killed => Volatile.Read(ref _killed) == 1;

        public static Run Start(string[] args, string directory, int killAtTemporaryFile = 0, int killAfterStepLine = 0, TimeSpan delay = default)
        {
            var watcher = new FileSystemWatcher(directory, "*.tmp") { NotifyFilter = NotifyFilters.FileName };
            var process = new Process
            {
                StartInfo = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "LstmSharp.Cli.dll"), .. args])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                },
            };
            var run = new Run(process, watcher);
            watcher.Created += (_, _) =>
            {
                if (Interlocked.Increment(ref run._temporaryFiles) == killAtTemporaryFile)
                {
                    run.Kill();
                }
            };
            watcher.EnableRaisingEvents = true;
            process.OutputDataReceived += (_, line) =>
            {
                if (line.Data?.StartsWith("step ", StringComparison.Ordinal) == true && Interlocked.Increment(ref run._stepLines) == killAfterStepLine)
                {
                    Thread.Sleep(delay);
                    run.Kill();
                }
            };
            process.ErrorDataReceived += (_, line) =>
            {
                lock (run.Error)
                {
                    run.Error.AppendLine(line.Data);
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return run;
        }

        public void Dispose()
        {
            _watcher.Dispose();
            Process.Dispose();
        }

        private void Kill()
        {
            try
            {
                Process.Kill();   // SIGKILL on Unix
                Volatile.Write(ref _killed, 1);
            }
            catch (InvalidOperationException)
            {
                // it had already exited
            }
        }
    }
}
