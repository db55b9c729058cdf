namespace LstmSharp.Cli.Tests;

/// <summary>Every expected failure prints one line on stderr, no stack trace, and a non-zero exit code.</summary>
public sealed class ErrorTests(TrainedModelFixture model) : IClassFixture<TrainedModelFixture>, IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Train_MissingInput_OneLineErrorExit1()
    {
        CliResult result = CliRunner.Run("train", "--input", _directory.File("missing.txt"), "--steps", "1");

        AssertOneLineError(result, ExitCodes.Failure, "does not exist");
    }

    [Fact]
    public void Train_EmptyInput_OneLineErrorExit1()
    {
        string path = _directory.WriteText("empty.txt", "");

        AssertOneLineError(CliRunner.Run("train", "--input", path, "--steps", "1"), ExitCodes.Failure, "is empty");
    }

    [Fact]
    public void Train_BinaryInput_OneLineErrorWithByteOffset()
    {
        string path = _directory.WriteBytes("binary.bin", [0x68, 0x69, 0x00, 0xFF, 0xFE, 0x01]);

        AssertOneLineError(CliRunner.Run("train", "--input", path, "--steps", "1"), ExitCodes.Failure, "byte offset 2");
    }

    [Fact]
    public void Train_TooShortInput_OneLineErrorExit1()
    {
        string path = _directory.WriteText("short.txt", "just a few characters\n");

        AssertOneLineError(CliRunner.Run(["train", "--input", path, "--steps", "1", "--out", _directory.File("m.safetensors"), .. TrainedModelFixture.SmallModel]),
            ExitCodes.Failure, "fewer than one window needs");
    }

    [Fact]
    public void Sample_CorruptCheckpoint_OneLineErrorExit1()
    {
        string path = _directory.WriteBytes("corrupt.safetensors", [.. File.ReadAllBytes(model.ModelPath).Take(100)]);

        CliResult result = CliRunner.Run("sample", "--model", path, "--length", "5");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        AssertOneLine(result.Error);
    }

    [Theory]
    [InlineData("sample", "model.vocabulary")]
    [InlineData("sample", "model.hidden_size")]
    [InlineData("score", "training.options")]
    [InlineData("train", "optimizer.step_count")]
    [InlineData("train", "trainer.window_in_epoch")]
    [InlineData("fine-tune", "model.num_layers")]
    public void LoadPaths_OneMetadataBitFlipped_OneLineChecksumErrorExit1(string command, string key)
    {
        // Any byte of the header: here one bit of a metadata key, which loaded silently before format 2.
        byte[] bytes = File.ReadAllBytes(TrainCommand.LatestPathOf(model.ModelPath));
        bytes[bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(key)) + 3] ^= 0x01;
        string path = _directory.WriteBytes("flipped.safetensors", bytes);
        string[] args = command switch
        {
            "sample" => ["sample", "--model", path, "--length", "5"],
            "score" => ["score", "--model", path, "--input", model.CorpusPath],
            "fine-tune" => ["train", "--init-from", path, "--input", model.CorpusPath, "--steps", "1", "--out", _directory.File("tuned.safetensors")],
            _ => ["train", "--resume", path, "--input", model.CorpusPath, "--steps", "40"],
        };

        AssertOneLineError(CliRunner.Run(args), ExitCodes.Failure, "header fails the whole-file checksum");
    }

    [Fact]
    public void Sample_FormatOneCheckpoint_WarnsWhatIsUnverifiedAndSamples()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1-resumable.safetensors");

        CliResult result = CliRunner.Run("sample", "--model", path, "--length", "20");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.StartsWith("lstmsharp: warning: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("format-1", result.Error, StringComparison.Ordinal);
        Assert.Contains("header is unverified", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_FormatOneCheckpoint_WarnsWhatIsUnverifiedAndExplains()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1-resumable.safetensors");
        string input = _directory.WriteText("input.txt", "the quick brown fox jumps over the lazy dog.\n");

        CliResult result = CliRunner.Run("explain", "--model", path, "--input", input, "--out", _directory.File("report.html"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.StartsWith("lstmsharp: warning: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("header is unverified", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_GarbageCheckpoint_OneLineErrorExit1()
    {
        string path = _directory.WriteText("garbage.safetensors", "this is not a checkpoint at all");

        CliResult result = CliRunner.Run("sample", "--model", path);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        AssertOneLine(result.Error);
    }

    [Fact]
    public void Score_MissingModel_OneLineErrorExit1()
    {
        AssertOneLineError(CliRunner.Run("score", "--model", _directory.File("none.safetensors"), "--input", model.CorpusPath), ExitCodes.Failure, "does not exist");
    }

    [Fact]
    public void Score_TextWithUnknownCharacter_OneLineErrorExit1()
    {
        string path = _directory.WriteText("other.txt", "the quick brown fox ☃\n");

        AssertOneLineError(CliRunner.Run("score", "--model", model.ModelPath, "--input", path), ExitCodes.Failure, "vocabulary");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void Sample_BadTemperature_NamesTheFlagExit2(string temperature)
    {
        AssertOneLineError(CliRunner.Run("sample", "--model", model.ModelPath, "--temperature", temperature), ExitCodes.Usage, "--temperature");
    }

    [Fact]
    public void Sample_NonNumericTemperature_ParseErrorExit2()
    {
        AssertOneLineError(CliRunner.Run("sample", "--model", model.ModelPath, "--temperature", "hot"), ExitCodes.Usage, "hot");
    }

    [Theory]
    [InlineData("--top-p", "1.5")]
    [InlineData("--top-k", "-3")]
    [InlineData("--length", "-1")]
    public void Sample_OutOfRange_NamesTheFlagExit2(string flag, string value)
    {
        AssertOneLineError(CliRunner.Run("sample", "--model", model.ModelPath, flag, value), ExitCodes.Usage, flag);
    }

    [Theory]
    [InlineData("--hidden", "0")]
    [InlineData("--layers", "-2")]
    [InlineData("--seq-length", "0")]
    [InlineData("--batch", "0")]
    [InlineData("--lr", "-0.1")]
    [InlineData("--dropout", "1")]
    [InlineData("--clip", "-5")]
    [InlineData("--steps", "0")]
    [InlineData("--time", "0s")]
    [InlineData("--eval-every", "0")]
    [InlineData("--lr-decay", "1.5")]
    [InlineData("--sample-length", "-1")]
    public void Train_OutOfRange_NamesTheFlagExit2(string flag, string value)
    {
        CliResult result = CliRunner.Run("train", "--input", model.CorpusPath, "--out", _directory.File("m.safetensors"), flag, value);

        AssertOneLineError(result, ExitCodes.Usage, flag);
        Assert.False(File.Exists(_directory.File("m.safetensors")));
    }

    [Theory]
    [InlineData("train", "--bogus")]
    [InlineData("train", "--cell", "transformer")]
    [InlineData("train", "--time", "soon")]
    [InlineData("train", "--hidden", "big")]
    [InlineData("sample")]
    [InlineData("score", "--model", "x.safetensors")]
    [InlineData("fly")]
    public void Parse_BadCommandLine_OneLineErrorExit2(params string[] args)
    {
        AssertOneLineError(CliRunner.Run(args), ExitCodes.Usage, "--help");
    }

    [Fact]
    public void Sample_PrimeAndPrimeFile_UsageError()
    {
        string prime = _directory.WriteText("prime.txt", "the");

        AssertOneLineError(CliRunner.Run("sample", "--model", model.ModelPath, "--prime", "a", "--prime-file", prime), ExitCodes.Usage, "not both");
    }

    [Fact]
    public void Sample_PrimeWithUnknownCharacters_OneLineErrorExit1()
    {
        AssertOneLineError(CliRunner.Run("sample", "--model", model.ModelPath, "--prime", "ZZZ"), ExitCodes.Failure, "does not know");
    }

    [Fact]
    public void Root_NoCommand_ShowsHelpExit2()
    {
        CliResult result = CliRunner.Run();

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("train", result.Out);
    }

    public void Dispose() => _directory.Dispose();

    private static void AssertOneLineError(CliResult result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        AssertOneLine(result.Error);
        Assert.Contains(expected, result.Error);
    }

    private static void AssertOneLine(string error)
    {
        Assert.StartsWith("lstmsharp: ", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(character => character == '\n'));
        Assert.DoesNotContain("   at ", error);
    }
}

public sealed class DivergenceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Train_HugeLearningRateWithoutClipping_StopsWithAdviceExit3AndSavesTheLastGoodModel()
    {
        string input = _directory.WriteText("text.txt", string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 200)));
        string output = Path.Combine(Path.GetDirectoryName(input)!, "model.safetensors");

        CliResult result = CliRunner.Run("train", "--input", input, "--optimizer", "sgd", "--lr", "1e6", "--clip", "0",
            "--cell", "rnn", "--hidden", "16", "--seq-length", "16", "--batch", "4", "--steps", "300", "--eval-every", "1000", "--out", output);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("diverged", result.Error, StringComparison.Ordinal);
        Assert.Contains("learning rate", result.Error, StringComparison.Ordinal);
        string lastGood = Path.ChangeExtension(output, ".last.safetensors");
        Assert.Contains(lastGood, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("sample", "--model", lastGood, "--length", "10", "--prime", "the").ExitCode);
    }
}
