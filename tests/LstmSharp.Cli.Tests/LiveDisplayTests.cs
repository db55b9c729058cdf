using System.Text.RegularExpressions;
using LstmSharp.Training;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// The live display as a person sees it, replayed on a <see cref="VirtualTerminal"/>: the bar pinned at the bottom,
/// whole samples above it, nothing wider than the terminal. <see cref="TmuxTests"/> checks the same in a real terminal.
/// </summary>
public sealed class LiveDisplayTests
{
    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(140)]
    public void Train_Live_WholeSamplesOneBarNothingWiderThanTheTerminal(int width)
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());

        CliResult result = CliRunner.RunLive(width,
            ["train", "--input", corpus, "--steps", "30", "--eval-every", "10", "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        var screen = new VirtualTerminal(width);
        screen.Write(result.Out);
        // At 40 columns a command naming the temporary directory (kept whole, to copy) is wider than the terminal.
        TerminalScreen.AssertClean(screen.Lines(), width, softWraps: screen.SoftWraps, unexpected: screen.Unexpected,
            mayBeWider: line => line.Contains(directory.Path, StringComparison.Ordinal));
        List<string> lines = screen.Lines();
        Assert.Equal(3, lines.Count(line => line.StartsWith("--- sample at step", StringComparison.Ordinal)));
        Assert.Contains(lines, line => line.StartsWith("Finished at step 30 ", StringComparison.Ordinal));
        Assert.Equal("Next: lstmsharp sample --model " + directory.File("m.safetensors"), lines[^1]);
    }

    [Fact]
    public void WriteSample_ControlCharacters_ShownAsSymbolsNeverRaw()
    {
        var output = new StringWriter();
        var console = new CliConsole(output, TextWriter.Null, IsTerminal: true, CancellationToken.None) { Width = () => 60 };
        var display = new TrainingDisplay(console, new TrainingOptions { MaxSteps = 10 }, 0, _ => { });

        display.Run(() =>
        {
            display.Report(Progress(step: 1));
            display.WriteSample("sample", "tab\there\r\nover\u001b[2J\u001b[31mred\u001b]0;title\u0007 \u009b1A end");
            display.Report(Progress(step: 2, elapsedSeconds: 2));
            return 0;
        });

        var screen = new VirtualTerminal(60);
        screen.Write(output.ToString());
        Assert.Empty(screen.Unexpected);
        List<string> lines = screen.Lines();
        Assert.Equal(["--- sample ---", "tab␉here␍", "over␛[2J␛[31mred␛]0;title␇ ‹U+009B›1A end", "---"], lines[..4]);
        Assert.Contains("step 2/10", lines[4], StringComparison.Ordinal);
        Assert.Equal(5, lines.Count);
    }

    [Fact]
    public void Train_NoColor_NoColourCodes()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus());

        CliResult result = CliRunner.RunLive(80,
            ["train", "--no-color", "--input", corpus, "--steps", "10", "--eval-every", "5", "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // No SGR at all: no colour, and no bold or dim either.
        Assert.DoesNotMatch(@"\x1b\[[0-9;]*m", result.Out);
        // Still live: the bar is redrawn in place.
        Assert.Contains("\u001b[J", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Redirected_PlainLinesNoEscapeCodes()
    {
        using var directory = new TempDirectory();
        string corpus = directory.WriteText("corpus.txt", TrainedModelFixture.SmallCorpus() + "\t\u001b[2J\r\n");

        CliResult result = CliRunner.Run(["train", "--input", corpus, "--steps", "10", "--eval-every", "5", "--out", directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('\r', result.Out);
        Assert.Equal(2, Regex.Count(result.Out, @"^step \d+/10 \| .* \| val \d", RegexOptions.Multiline));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(45)]
    [InlineData(70)]
    [InlineData(200)]
    public void StatusFit_AnyRoom_FitsAndCutsNoNumber(int room)
    {
        var status = new TrainingDisplay.Status(Progress(step: 123_456, validationLoss: 1.2345), new TrainingOptions { MaxSteps = 1_000_000 }, 0.25);

        string text = status.Fit(room);

        Assert.True(VisibleText.Cells(text) <= room, $"{text.Length} > {room}: {text}");
        if (text.Length > 0)
        {
            Assert.StartsWith(text.StartsWith("step", StringComparison.Ordinal) ? "step 123,456/1,000,000" : "123,456/1,000,000", text, StringComparison.Ordinal);
        }

        Assert.Equal(room >= 80, text.Contains("chars/s", StringComparison.Ordinal) || text.Contains("ch/s", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    public void StatusRows_Narrow_BrokenBetweenFields(int width)
    {
        var status = new TrainingDisplay.Status(Progress(step: 1_400, validationLoss: 1.553), new TrainingOptions(), 0.5);

        List<string> rows = status.Rows(width);

        Assert.All(rows, row => Assert.True(VisibleText.Cells(row) <= width, row));
        Assert.Equal(status.Line().Replace(" | ", " ", StringComparison.Ordinal), string.Join(' ', rows).Replace(" | ", " ", StringComparison.Ordinal));
    }

    // Reports are the trainer's to make (an internal constructor, which this test assembly sees).
    private static TrainingProgress Progress(long step, double validationLoss = double.NaN, double elapsedSeconds = 1) =>
        new(step, epoch: 0, epochFraction: 0.5, trainingLoss: 1.5, validationLoss, charactersPerSecond: 123_456, gradientNorm: 0,
            learningRate: 0, isEvaluation: false, TimeSpan.FromSeconds(elapsedSeconds), epochTrainingLoss: double.NaN);
}
