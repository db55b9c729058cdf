using LstmSharp.Cli.Reports;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Cli.Tests.Reports;

/// <summary>Every HTML report LstmSharp writes, opened in headless Chromium: no console error, every element there, no empty picture.</summary>
public sealed class BrowserTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lstmsharp-browser-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Chrome => ExternalTool.Require(Chromium.Package, Chromium.Names);

    [RequiresToolFact(Chromium.Package, "chromium", "chromium-browser")]
    public void GradientFlowReport_InChromium_RendersEveryPanelWithoutErrors()
    {
        var runs = new List<GradientFlowRun>();
        foreach (CellType cell in new[] { CellType.Rnn, CellType.Lstm })
        {
            var model = new CharModel<float>(cell, 5, 8);
            model.Initialize(Initialization.PyTorchUniform, 1);
            int[] inputs = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1];
            var schedule = new GradientFlowSchedule([0], new GradientFlowProbe(inputs, [2], inputs.Length, 1));
            schedule.OnEpochStart(model, epoch: 0, step: 0);
            runs.Add(new GradientFlowRun(cell.ToString().ToUpperInvariant(), cell, model.HiddenSize, schedule.Snapshots));
        }

        string page = Path.Combine(_directory, "gradflow.html"), svg = Path.Combine(_directory, "norms.svg");
        GradientFlowReport.Write(page, runs);
        GradientFlowReport.WriteNormPlotSvg(svg, runs);

        Chromium.Result result = Chromium.CheckPage(Chrome, page, "h1", "table.meta", "figure svg path", "figure svg rect");
        Assert.True(result.Problems.Count == 0, result.ToString());
        Assert.Equal(7, result.Svgs);   // the norm plot, dh for both runs and dc for the LSTM, and the article-style histogram panels of the same three
        Chromium.Result file = Chromium.CheckSvgFile(Chrome, svg);
        Assert.True(file.Problems.Count == 0, file.ToString());
        Assert.Equal(1, file.Images);
    }

    [RequiresToolFact(Chromium.Package, "chromium", "chromium-browser")]
    public void ConnectivityReport_InChromium_RendersEverySectionWithoutErrors()
    {
        string text = TestText.Pangrams;
        var vocabulary = Vocabulary.FromText(text);
        int[] ids = vocabulary.Encode(text);
        var sections = new List<ConnectivitySection>();
        foreach (int length in new[] { 20, 40 })
        {
            var rows = new List<ConnectivityRow>();
            foreach (CellType cell in new[] { CellType.Rnn, CellType.Lstm })
            {
                var model = new CharModel<float>(cell, vocabulary.Count, 8);
                model.Initialize(Initialization.PyTorchUniform, 2);
                rows.Add(ConnectivityRow.Of(cell.ToString().ToUpperInvariant(), Connectivity.Compute(model, ids, 60, length), vocabulary));
            }

            sections.Add(new ConnectivitySection($"Sequence length {length}", rows));
        }

        string page = Path.Combine(_directory, "connectivity.html"), svg = Path.Combine(_directory, "connectivity.svg");
        ConnectivityReport.Write(page, sections);
        ConnectivityReport.WriteSvg(svg, sections);

        Chromium.Result result = Chromium.CheckPage(Chrome, page, "h1", "h2", "figure svg rect", "figure svg text");
        Assert.True(result.Problems.Count == 0, result.ToString());
        Assert.Equal(3, result.Svgs);   // the legend and two sections
        Chromium.Result file = Chromium.CheckSvgFile(Chrome, svg);
        Assert.True(file.Problems.Count == 0, file.ToString());
    }

    [RequiresToolFact(Chromium.Package, "chromium", "chromium-browser")]
    public void ExplainReport_InChromium_RendersEveryViewWithoutErrors()
    {
        string text = string.Concat(Enumerable.Repeat("say \"hi\" (twice) [then] {go}\n    indented line\n", 8));
        var vocabulary = Vocabulary.FromText(text);
        var model = new CharModel<float>(CellType.Lstm, vocabulary.Count, 8, 2);
        model.Initialize(Initialization.PyTorchUniform, 3);
        Explanation explanation = ModelExplainer.Explain(model, vocabulary, vocabulary.Encode(text), units: [(1, 4)]);
        string page = Path.Combine(_directory, "explain.html"), svg = Path.Combine(_directory, "saturation.svg");
        ExplainReport.Write(page, model, explanation);
        ExplainReport.WriteSaturationSvg(svg, explanation);

        Chromium.Result result = Chromium.CheckPage(Chrome, page, "#summary", "#saturation svg.saturation circle", "#unit-search td",
            "#units div.text.unit span[title]", "#surprise div.text.surprise span[title]", "#worst td", "#by-class td");
        Assert.True(result.Problems.Count == 0, result.ToString());
        Assert.Equal(2, result.Svgs);                          // one saturation plot per layer
        Assert.Equal(explanation.Units.Count + 1, result.Texts);   // each unit, and surprise
        Chromium.Result file = Chromium.CheckSvgFile(Chrome, svg);
        Assert.True(file.Problems.Count == 0, file.ToString());
    }

    [RequiresToolFact(Chromium.Package, "chromium", "chromium-browser")]
    public void Check_BrokenPage_ReportsEveryKindOfProblem()
    {
        // The check itself must be able to fail: a missing image, a script error, an empty picture, a missing element.
        string page = Path.Combine(_directory, "broken.html");
        File.WriteAllText(page, """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>broken</title></head>
            <body><svg width="0" height="0"></svg><img src="missing.png" alt="x"><div class="text"></div>
            <script>console.error("boom"); undefinedFunction();</script></body></html>
            """);

        Chromium.Result result = Chromium.CheckPage(Chrome, page, "#not-there");

        string problems = string.Join("\n", result.Problems);
        Assert.Contains("console:", problems, StringComparison.Ordinal);
        Assert.Contains("missing.png", problems, StringComparison.Ordinal);
        Assert.Contains("undefinedFunction", problems, StringComparison.Ordinal);
        Assert.Contains("missing element: #not-there", problems, StringComparison.Ordinal);
        Assert.Contains("empty picture: svg 0", problems, StringComparison.Ordinal);
        Assert.Contains("empty picture: coloured text 0", problems, StringComparison.Ordinal);
        Assert.Contains("empty picture: image 0", problems, StringComparison.Ordinal);
    }
}
