using System.Text;

namespace LstmSharp.Cli.Tests;

/// <summary>A tiny model trained once through <c>lstmsharp train</c> on a small text, shared by the sample, score and error tests.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    /// <summary>Arguments that keep a model small enough to train in a second or two.</summary>
    public static readonly string[] SmallModel = ["--hidden", "32", "--layers", "1", "--seq-length", "16", "--batch", "4", "--sample-length", "40"];

    public TrainedModelFixture()
    {
        Directory = new TempDirectory();
        CorpusPath = Directory.WriteText("corpus.txt", SmallCorpus());
        ModelPath = Directory.File("model.safetensors");
        TrainResult = CliRunner.Run(["train", "--input", CorpusPath, "--steps", "30", "--eval-every", "10", "--out", ModelPath, .. SmallModel]);
    }

    public TempDirectory Directory { get; }

    public string CorpusPath { get; }

    public string ModelPath { get; }

    public CliResult TrainResult { get; }

    /// <summary>About 6 KB of repetitive English: enough for a few epochs of 4 streams × 16 characters.</summary>
    public static string SmallCorpus()
    {
        var text = new StringBuilder();
        string[] lines =
        [
            "the quick brown fox jumps over the lazy dog.",
            "a recurrent network reads one character at a time.",
            "the cell state carries memory from step to step.",
            "gradients flow backward through time, window by window.",
        ];
        for (int repeat = 0; repeat < 30; repeat++)
        {
            foreach (string line in lines)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    public void Dispose() => Directory.Dispose();
}
