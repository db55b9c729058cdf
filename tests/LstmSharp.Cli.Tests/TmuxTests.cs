using System.Diagnostics;
using System.Text.RegularExpressions;
using LstmSharp.Tests;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// <c>lstmsharp train</c> and <c>lstmsharp sample</c> in a real terminal: a detached tmux session of a fixed size
/// runs the built CLI, and its screen (the whole scrollback, soft-wrapped lines joined) is checked as a person would
/// see it. Needs tmux: skipped without it on a developer's machine, failed without it under CI.
/// </summary>
[Trait("Category", "Terminal")]
public sealed class TmuxTests
{
    [SkippableTheory]
    [InlineData(80)]
    [InlineData(140)]
    public void TrainThenSample_Terminal_CleanScreenAtEveryWidth(int width)
    {
        using var tmux = new TmuxSession(width);
        string[] train = ["train", "--time", "6s", "--eval-every", "60", "--sample-length", "300", "--out", "m.safetensors"];

        List<string> screen = tmux.Run(CliProcess.CommandLine(train));

        TerminalScreen.AssertClean(screen, width);
        Assert.Contains(screen, line => line.StartsWith("--- sample at step", StringComparison.Ordinal));
        Assert.Contains(screen, line => line.StartsWith("Training a 1-layer LSTM", StringComparison.Ordinal));
        Assert.Equal("EXIT=0", screen[^1]);

        // sample on a terminal shows exactly the text it writes into a pipe (the terminal wraps long lines softly).
        string[] sample = ["sample", "--model", Path.Combine(tmux.Directory.Path, "m.safetensors"), "--length", "1500", "--seed", "7"];
        List<string> shown = tmux.Run(CliProcess.CommandLine(sample));
        using Process piped = CliProcess.Start(sample);
        string text = piped.StandardOutput.ReadToEnd();
        piped.WaitForExit();

        Assert.Equal("EXIT=0", shown[^1]);
        Assert.Equal(Lines(text), shown[..^1]);
    }

    [SkippableFact]
    public void Train_ResizedThenInterrupted_FinalLinesIntactNoFragments()
    {
        using var tmux = new TmuxSession(140);
        string[] train = ["train", "--time", "60s", "--eval-every", "40", "--sample-length", "200", "--out", "m.safetensors"];

        tmux.Start(CliProcess.CommandLine(train));
        tmux.WaitFor(screen => screen.Any(line => line.StartsWith("--- sample at step", StringComparison.Ordinal)));
        tmux.Resize(70);
        tmux.WaitFor(screen => screen.Count(line => line.StartsWith("--- sample at step", StringComparison.Ordinal)) >= 3);
        tmux.Resize(100);
        Thread.Sleep(500);
        tmux.SendKeys("C-c");
        List<string> screen = tmux.WaitForExit();

        // Lines printed at 140 columns reflow when the window narrows, so the width is not checked here.
        TerminalScreen.AssertClean(screen, 100, checkWidth: false);
        Assert.Matches(@"^Interrupted at step [\d,]+; saved m\.last\.safetensors\.$", screen[^3]);
        Assert.Equal("Resume with: lstmsharp train --resume m.last.safetensors", screen[^2]);
        Assert.Equal("EXIT=130", screen[^1]);
    }

    /// <summary>The text's lines as a terminal shows them: trailing spaces trimmed, the final line feed not a line.</summary>
    private static List<string> Lines(string text) => [.. text.TrimEnd('\n').Split('\n').Select(line => line.TrimEnd())];

    /// <summary>A detached tmux server of its own (its own socket, no user configuration) with one window of a fixed size, in a temporary directory.</summary>
    private sealed class TmuxSession : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
        private readonly string _tmux;
        private string _socket = "";
        private readonly int _width;
        private bool _started;

        public TmuxSession(int width)
        {
            _tmux = ExternalTool.Require("tmux", ExternalTool.Find("tmux"), "apt-get install tmux");
            _width = width;
            Directory = new TempDirectory();
        }

        public TempDirectory Directory { get; }

        /// <summary>Runs <paramref name="command"/> in a fresh window and returns the screen once it has exited.</summary>
        public List<string> Run(string command)
        {
            if (_started)
            {
                Tmux("kill-server");
                _started = false;
            }

            Start(command);
            return WaitForExit();
        }

        public void Start(string command)
        {
            // A server of its own for each command: a new one on a killed one's socket can find it still closing.
            _socket = $"lstmsharp-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
            // The pane stays open after the command so that its last lines can be read; EXIT= marks the end.
            string script = $"cd '{Directory.Path}' && {command}; echo EXIT=$?; sleep 600";
            Tmux("-f", "/dev/null", "new-session", "-d", "-x", _width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", "50", script);
            _started = true;
        }

        public void Resize(int width) => Tmux("resize-window", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public void SendKeys(string keys) => Tmux("send-keys", keys);

        public List<string> WaitForExit() => WaitFor(screen => screen.Count > 0 && Regex.IsMatch(screen[^1], @"^EXIT=\d+$"));

        public List<string> WaitFor(Func<List<string>, bool> condition)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                List<string> screen = Capture();
                if (condition(screen))
                {
                    return screen;
                }

                if (clock.Elapsed > Timeout)
                {
                    Assert.Fail($"timed out after {Timeout.TotalSeconds:F0} s; the screen:\n{string.Join('\n', screen)}");
                }

                Thread.Sleep(200);
            }
        }

        public void Dispose()
        {
            if (_started)
            {
                Tmux("kill-server");
            }

            Directory.Dispose();
        }

        /// <summary>The whole history and screen, soft-wrapped lines joined (-J), trailing spaces and blank rows at the end dropped.</summary>
        private List<string> Capture()
        {
            List<string> lines = [.. Tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-").Split('\n').Select(line => line.TrimEnd())];
            while (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            return lines;
        }

        private string Tmux(params string[] args)
        {
            var start = new ProcessStartInfo(_tmux) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-L");
            start.ArgumentList.Add(_socket);
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            // A terminal that shows colours and Unicode, whatever the test runner's environment says.
            start.Environment["TERM"] = "xterm-256color";
            start.Environment["LANG"] = "C.UTF-8";
            start.Environment.Remove("NO_COLOR");
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"tmux {string.Join(' ', args)}: exit {process.ExitCode}: {error.Result}");
            return output;
        }
    }
}
