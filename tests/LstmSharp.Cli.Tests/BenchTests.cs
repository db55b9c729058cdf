using System.Text.RegularExpressions;
using Xunit;

namespace LstmSharp.Cli.Tests;

public sealed partial class BenchTests
{
    // The bench commands count the bytes allocated on every thread of their process, so the tests that check "0 B" run
    // the CLI as its own process: in-process, the test host's reporting threads allocate while the count runs.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [GeneratedRegex(@"^lstmsharp step gru V=11 H=8 T=5 B=2: \d+ chars/s  [\d.]+ ms/step  [\d.]+ GFLOP/s\(dense-equiv\)  0 B/step allocated  threads=1\r?\n$")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^lstmsharp step lstm V=7 H=32 T=4 B=3 layers=2 dropout=0.5: \d+ chars/s  [\d.]+ ms/step  [\d.]+ GFLOP/s\(dense-equiv\)  0 B/step allocated  threads=2\r?\n$")]
    private static partial Regex TwoLayerStepLine();

    [GeneratedRegex(@"^lstmsharp sample lstm V=9 H=16: \d+ chars/s  0 B/char allocated  threads=2\r?\n$")]
    private static partial Regex SampleLine();

    [Fact]
    public void BenchStep_SmallModel_PrintsTheAnchorShapedLineWithNoAllocation()
    {
        CliResult result = CliProcess.Run(Limit, "bench", "step", "--cell", "gru", "--vocab", "11", "--hidden", "8", "--seq-length", "5", "--batch", "2", "--steps", "30", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(StepLine(), result.Out);
    }

    [Fact]
    public void BenchSample_SmallModel_PrintsTheAnchorShapedLineWithNoAllocation()
    {
        CliResult result = CliProcess.Run(Limit, "bench", "sample", "--vocab", "9", "--hidden", "16", "--chars", "300", "--threads", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(SampleLine(), result.Out);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BenchSample_SplitShapeOnTwoThreads_NoAllocationOnAnyThread(bool bfloat16)
    {
        // H = 256 splits into 4 unit chunks, so the single-stream worker runs beside the caller for every character. In a
        // process of its own: inside the test host, the host's threads allocate while it reports results, and
        // GC.GetTotalAllocatedBytes(true) counts every thread.
        using System.Diagnostics.Process process = CliProcess.Start(["bench", "sample", "--vocab", "9", "--hidden", "256", "--chars", "2000", "--threads", "2", .. (bfloat16 ? new[] { "--bf16" } : [])]);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, error);
        Assert.Matches(@"^lstmsharp sample lstm V=9 H=256: \d+ chars/s  0 B/char allocated  threads=2" + (bfloat16 ? "  bf16" : "") + @"\r?\n$", output);
    }

    [Fact]
    public void BenchStep_TwoLayersWithDropout_PrintsTheAnchorShapedLineWithNoAllocation()
    {
        CliResult result = CliProcess.Run(Limit, "bench", "step", "--vocab", "7", "--hidden", "32", "--seq-length", "4", "--batch", "3", "--layers", "2", "--dropout", "0.5", "--steps", "20", "--threads", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(TwoLayerStepLine(), result.Out);
    }

    [Fact]
    public void BenchStep_UnknownCell_OneLineUsageError()
    {
        CliResult result = CliRunner.Run("bench", "step", "--cell", "transformer");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cell must be lstm, gru or rnn", result.Error, StringComparison.Ordinal);
    }
}
