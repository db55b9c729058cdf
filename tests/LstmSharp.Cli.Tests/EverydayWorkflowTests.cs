using System.Globalization;
using LstmSharp.Serialization;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// The everyday workflow exactly as README.md and docs/getting-started.md show it (the block after
/// <c>&lt;!-- workflow --&gt;</c>), run line by line with only the sizes and limits made small: --time becomes a step
/// limit, --hidden 16, PyTorch's --steps 3; file names are created in a temporary folder.
/// </summary>
public sealed class EverydayWorkflowTests
{
    private const string Marker = "<!-- workflow -->";

    private static string[] WorkflowLines(string relativePath)
    {
        string[] lines = File.ReadAllLines(Path.Combine(PythonTools.RepositoryRoot, relativePath));
        int start = Array.IndexOf(lines, Marker);
        Assert.True(start >= 0 && lines[start + 1] == "```sh", $"{relativePath} has no '{Marker}' followed by a ```sh block.");
        return [.. lines.Skip(start + 2).TakeWhile(line => line != "```")];
    }

    [Fact]
    public void Docs_ReadmeAndGettingStarted_ShowTheSameWorkflow()
    {
        string[] readme = WorkflowLines("README.md");

        Assert.Equal(WorkflowLines(Path.Combine("docs", "getting-started.md")), readme);
        Assert.Contains(readme, line => line.Contains("--init-from", StringComparison.Ordinal));
        Assert.Contains(readme, line => line.StartsWith("lstmsharp import", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Workflow_AsDocumented_RunsEndToEnd()
    {
        using var directory = new TempDirectory();
        string text = TrainedModelFixture.SmallCorpus();
        Directory.CreateDirectory(directory.File("texts"));
        File.WriteAllText(Path.Combine(directory.File("texts"), "part1.txt"), text[..3000]);
        File.WriteAllText(Path.Combine(directory.File("texts"), "part2.txt"), text[3000..]);
        directory.WriteText("new-text.txt", text.Replace("fox", "Fuchs aus Zürich", StringComparison.Ordinal));

        var outputs = new List<string>();
        foreach (string line in WorkflowLines(Path.Combine("docs", "getting-started.md")))
        {
            string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens[0] == "lstmsharp")
            {
                CliResult result = CliRunner.Run(Shrink(tokens[1..], directory));
                Assert.True(result.ExitCode == 0, $"{line}\n{result}");
                outputs.Add(result.Out + result.Error);
            }
            else
            {
                Assert.EndsWith("python3", tokens[0], StringComparison.Ordinal);
                string python = PythonTools.RequireTorchPython();   // skips here on a machine without torch: the .NET steps above have run
                outputs.Add(PythonTools.Run(python, Shrink(tokens[1..], directory), directory.Path));
            }
        }

        Assert.Contains("Training a 2-layer LSTM", outputs[0], StringComparison.Ordinal);
        Assert.Contains("2 files (", outputs[0], StringComparison.Ordinal);
        Assert.Contains("corpus      ", outputs[1], StringComparison.Ordinal);
        Assert.Contains("Resuming at step", outputs[3], StringComparison.Ordinal);
        Assert.Contains("vocabulary extended from", outputs[4], StringComparison.Ordinal);
        Assert.Contains("'Z' (U+005A)", outputs[4], StringComparison.Ordinal);
        Assert.True(File.Exists(directory.File("tuned.onnx")));
        Assert.Contains("nats/char", outputs[^1], StringComparison.Ordinal);
        Assert.Equal(Checkpoint.Load(directory.File("tuned.safetensors")).Vocabulary, Checkpoint.Load(directory.File("back.safetensors")).Vocabulary);
    }

    /// <summary>The documented arguments with small sizes and limits, and file names inside <paramref name="directory"/>.</summary>
    private static string[] Shrink(string[] arguments, TempDirectory directory)
    {
        bool train = arguments[0] == "train", resume = arguments.Contains("--resume"), fineTune = arguments.Contains("--init-from");
        var result = new List<string>();
        for (int index = 0; index < arguments.Length; index++)
        {
            string argument = arguments[index];
            string? previous = index > 0 ? arguments[index - 1] : null;
            if (previous == "--time")
            {
                result[^1] = "--steps";
                result.Add(resume ? "40" : fineTune ? "10" : "30");
            }
            else if (previous == "--hidden")
            {
                result.Add("16");
            }
            else if (previous == "--steps")
            {
                result.Add("3");   // PyTorch's steps
            }
            else if (argument.EndsWith(".py", StringComparison.Ordinal))
            {
                result.Add(Path.Combine(PythonTools.RepositoryRoot, argument));
            }
            else if (!argument.StartsWith('-') && (argument.Contains('.', StringComparison.Ordinal) || argument.EndsWith('/'))
                && !double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                result.Add(directory.File(argument));
            }
            else
            {
                result.Add(argument);
            }
        }

        if (train && !resume)
        {
            result.AddRange(["--seq-length", "16", "--batch", "4", "--eval-every", "10", "--sample-length", "20"]);
        }
        else if (arguments[0].EndsWith(".py", StringComparison.Ordinal))
        {
            result.AddRange(["--seq-length", "16", "--batch", "2"]);
        }

        return [.. result];
    }
}
