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
