using System.Text.RegularExpressions;
using System.Xml.Linq;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Reports;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Diagnostics;

public sealed partial class ReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-reports-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [GeneratedRegex("<svg.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();

    private static void AssertSelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        MatchCollection svgs = SvgElement().Matches(html);
        Assert.NotEmpty(svgs);
        foreach (Match svg in svgs)
        {
            XDocument.Parse(svg.Value);   // each inline SVG is well-formed XML
        }

        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    private static List<GradientFlowRun> Runs()
    {
        var runs = new List<GradientFlowRun>();
        foreach (CellType cell in new[] { CellType.Rnn, CellType.Lstm })
        {
            var model = new CharModel<float>(cell, 5, 8);
            var recorder = new GradientFlowRecorder<float>(model);
            int[] inputs = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1];
            var snapshots = new List<GradientFlowSnapshot>();
            for (int epoch = 0; epoch < 2; epoch++)
            {
                model.Initialize(Initialization.PyTorchUniform, (ulong)epoch + 1);
                snapshots.Add(recorder.RecordWindow(inputs, [2], inputs.Length, 1) with { Epoch = epoch * 10 });
            }

            runs.Add(new GradientFlowRun(cell.ToString().ToUpperInvariant(), snapshots));
        }

        return runs;
    }

    [Fact]
    public void GradientFlowWrite_TwoRuns_SelfContainedWellFormedAndAtomic()
    {
        string path = Path.Combine(_directory, "flow.html");
        File.WriteAllText(path, "old");

        GradientFlowReport.Write(path, Runs());

        string html = File.ReadAllText(path);
        AssertSelfContained(html);
        Assert.Contains("Epoch 10", html, StringComparison.Ordinal);
        Assert.Contains("LSTM dL/dc", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFiles(_directory));   // no temporary file left behind
        XDocument.Parse(GradientFlowReport.RenderNormPlotSvg(Runs()));   // standalone SVG
    }

    [Fact]
    public void ConnectivityWrite_TwoRows_ColoursFollowTheArticleScale()
    {
        Vocabulary vocabulary = Vocabulary.FromText("ab <&\n");
        var sections = new List<ConnectivitySection>();
        foreach (int length in new[] { 3, 5 })
        {
            int[] inputs = [.. vocabulary.Encode("a<&\n b")[..length]];
            double[] values = [.. Enumerable.Range(0, length).Select(position => (double)(position + 1))];
            var map = new ConnectivityMap(inputs, vocabulary.Encode("b")[0], ConnectivityMeasure.Loss, values, 0.5);
            sections.Add(new ConnectivitySection($"Sequence length {length}", [new("RNN", map, vocabulary), new("LSTM", map, vocabulary)]));
        }

        string path = Path.Combine(_directory, "connectivity.html");
        ConnectivityReport.Write(path, sections);

        string html = File.ReadAllText(path);
        AssertSelfContained(html);
        Assert.Contains("rgba(0,114,178,0.2)", html, StringComparison.Ordinal);     // 1/5 = 0.2: blue, opacity 0.2
        Assert.Contains("rgba(213,94,0,0.5)", html, StringComparison.Ordinal);      // 5/5 = 1: red, opacity 0.5
        Assert.Contains("predicted character", html, StringComparison.Ordinal);
        Assert.Contains("&amp;", html, StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFiles(_directory));
    }
}
