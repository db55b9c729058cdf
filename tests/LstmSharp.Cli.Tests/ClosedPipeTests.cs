using System.Diagnostics;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// <c>lstmsharp sample --length 1000000000 | head -c 100</c>: when the reader closes the pipe, a streaming command
/// stops within seconds with exit code 0 and nothing on standard error. The test closes the pipe itself, as head does.
/// </summary>
public sealed class ClosedPipeTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sample_ReaderClosesPipe_StopsPromptlyExitZeroNothingOnStderr()
    {
        using Process process = CliProcess.Start("sample", "--model", model.ModelPath, "--length", "1000000000", "--seed", "1");
        Task<string> error = process.StandardError.ReadToEndAsync();

        var head = new byte[100];
        process.StandardOutput.BaseStream.ReadExactly(head);
        var clock = Stopwatch.StartNew();
        process.StandardOutput.Close();

        bool exited = process.WaitForExit(Limit);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        Assert.True(exited, $"still running {Limit.TotalSeconds:F0} s after its reader closed the pipe");
        // Startup is excluded: the clock starts once the first 100 bytes have arrived.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:F1} s to notice");
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", await error);
    }

    [Fact]
    public async Task Train_ReaderClosesPipe_StopsSavesExitZeroNothingOnStderr()
    {
        using var directory = new TempDirectory();
        string outPath = directory.File("m.safetensors");
        using Process process = CliProcess.Start(["train", "--input", model.CorpusPath, "--steps", "100000", "--eval-every", "5", "--out", outPath, .. TrainedModelFixture.SmallModel]);
        Task<string> error = process.StandardError.ReadToEndAsync();

        for (int line = 0; line < 5; line++)
        {
            Assert.NotNull(process.StandardOutput.ReadLine());
        }

        process.StandardOutput.Close();
        bool exited = process.WaitForExit(Limit);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        Assert.True(exited, $"still training {Limit.TotalSeconds:F0} s after its reader closed the pipe");
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", await error);
        Assert.True(File.Exists(directory.File("m.last.safetensors")), "the latest checkpoint was not saved");
    }

    [Fact]
    public async Task Sample_Redirected_WholeTextExact()
    {
        using Process process = CliProcess.Start("sample", "--model", model.ModelPath, "--length", "20000", "--seed", "4");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", await error);
        CliResult inProcess = CliRunner.Run("sample", "--model", model.ModelPath, "--length", "20000", "--seed", "4");
        Assert.Equal(inProcess.Out, text);
        Assert.Equal(20_001, text.Length);
    }
}
