using System.Text.RegularExpressions;
using System.Xml.Linq;
using LstmSharp.Cli.Reports;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Cli.Tests.Reports;

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
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);   // inline scripts only
        Assert.DoesNotContain("fetch(", html, StringComparison.Ordinal);
        MatchCollection svgs = SvgElement().Matches(html);
        Assert.NotEmpty(svgs);
        foreach (Match svg in svgs)
        {
            XDocument.Parse(svg.Value);   // each inline SVG is well-formed XML
        }

        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    private static List<GradientFlowRun> Runs() => Runs(CellType.Rnn, CellType.Lstm);

    private static List<GradientFlowRun> Runs(params CellType[] cells)
    {
        var runs = new List<GradientFlowRun>();
        foreach (CellType cell in cells)
        {
            var model = new CharModel<float>(cell, 5, 8);
            int[] inputs = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1];
            var schedule = new GradientFlowSchedule([0, 10], new GradientFlowProbe(inputs, [2], inputs.Length, 1));
            for (int epoch = 0; epoch < 2; epoch++)
            {
                model.Initialize(Initialization.PyTorchUniform, (ulong)epoch + 1);
                schedule.OnEpochStart(model, epoch * 10, step: 0);
            }

            runs.Add(new GradientFlowRun(cell.ToString().ToUpperInvariant(), cell, model.HiddenSize, schedule.Snapshots));
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
    public void GradientFlowRender_CellColumn_NamesEachCellAsTheDocsDo()
    {
        // Labels that are not cell names, so only the cell column can say LSTM, GRU or RNN.
        List<GradientFlowRun> runs = [.. Runs(CellType.Lstm, CellType.Gru, CellType.Rnn).Select((run, index) => run with { Label = $"model {index}" })];

        string html = GradientFlowReport.RenderHtml(runs);

        Assert.Contains("<td>model 0</td><td>LSTM</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>model 1</td><td>GRU</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>model 2</td><td>RNN</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>Lstm</td>", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-shares=\"([^\"]*)\"")]
    private static partial Regex SharesAttribute();

    [Fact]
    public void GradientFlowRender_ArticleHistograms_HoldEachStepsLinearBinsFromTheLossBackwards()
    {
        List<GradientFlowRun> runs = Runs();
        string html = GradientFlowReport.RenderHtml(runs);

        // Panels in order: RNN dh (epochs 0, 10), LSTM dh (0, 10), LSTM dc (0, 10).
        string[] panels = [.. SharesAttribute().Matches(html).Select(match => match.Groups[1].Value)];
        Assert.Equal(6, panels.Length);
        StateGradientSeries series = runs[1].Snapshots[1].Layers[0].Cell!;
        double[][] steps = [.. panels[5].Split(';').Select(step => step.Split(',').Select(value => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ToArray())];
        int sequenceLength = series.Norms.Count;
        Assert.Equal(sequenceLength, steps.Length);
        double[][] expected = new double[sequenceLength][];
        for (int distance = 0; distance < sequenceLength; distance++)
        {
            var histogram = new Histogram(-0.01, 0.01, 100, HistogramScale.Linear);
            histogram.Add(series.StepValues(sequenceLength - 1 - distance));
            expected[distance] = [.. histogram.Counts.Select(count => (double)count / histogram.Total), (double)histogram.Underflow / histogram.Total, (double)histogram.Overflow / histogram.Total];
        }

        // The row's scale is its largest in-range share: dividing it out gives back each step's shares (to 4 decimals).
        double scale = expected.SelectMany(step => step.Take(100)).Max();
        for (int distance = 0; distance < steps.Length; distance++)
        {
            Assert.Equal(102, steps[distance].Length);
            for (int bin = 0; bin < 102; bin++)
            {
                Assert.True(Math.Abs(expected[distance][bin] / scale - steps[distance][bin]) <= 5.0001e-5, $"distance {distance}, bin {bin}");
            }
        }

        Assert.Contains("The article's histograms, animated from the loss backwards", html, StringComparison.Ordinal);
        Assert.Contains("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void GradientFlowRender_EpochLosses_DrawsTheLossCurve()
    {
        List<GradientFlowRun> runs = [.. Runs().Select(run => run with { EpochLosses = [3.1, 2.4, 2.0] })];

        string html = GradientFlowReport.RenderHtml(runs);

        Assert.Contains("Training loss per epoch", html, StringComparison.Ordinal);
        XDocument svg = XDocument.Parse(GradientFlowReport.RenderEpochLossPlotSvg(runs));
        Assert.Equal(2, svg.Descendants().Count(element => element.Name.LocalName == "polyline"));
        Assert.DoesNotContain("Training loss per epoch", GradientFlowReport.RenderHtml(Runs()), StringComparison.Ordinal);
    }

    /// <summary>A row from raw values, normalised by their maximum as a <see cref="ConnectivityMap"/> is.</summary>
    private static ConnectivityRow Row(string label, int[] inputs, int target, double[] values, Vocabulary vocabulary) =>
        new(label, inputs, target, values, [.. values.Select(value => value / values.Max())], 0.5, vocabulary);

    [Fact]
    public void ConnectivityRender_LogScale_ShadesByDecades()
    {
        Vocabulary vocabulary = Vocabulary.FromText("ab");
        var section = new ConnectivitySection("log", [Row("LSTM", [0, 1, 0], 1, [1e-30, 1e-5, 1.0], vocabulary)]) { LogDecades = 10 };

        string svg = ConnectivityReport.RenderSvg(section);

        Assert.Contains($"fill=\"{ReportColors.Connectivity(0.5)}\"", svg, StringComparison.Ordinal);   // 1e-5 over 10 decades: halfway
        Assert.Contains($"fill=\"{ReportColors.Connectivity(0)}\"", svg, StringComparison.Ordinal);     // below 1e-10: the bottom
        Assert.Contains($"fill=\"{ReportColors.Connectivity(1e-5)}\"", ConnectivityReport.RenderSvg(section with { LogDecades = null }), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => section with { LogDecades = 0 });
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
            int target = vocabulary.Encode("b")[0];
            sections.Add(new ConnectivitySection($"Sequence length {length}", [Row("RNN", inputs, target, values, vocabulary), Row("LSTM", inputs, target, values, vocabulary)]));
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
