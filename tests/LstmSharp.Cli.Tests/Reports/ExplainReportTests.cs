using System.Text.Json;
using LstmSharp.Cli.Reports;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Cli.Tests.Reports;

/// <summary>The explain report's HTML and JSON, from a small random model that saturates some gates.</summary>
public sealed class ExplainReportTests
{
    [Fact]
    public void ExplainReport_HtmlAndJson_HoldEveryViewAndNumber()
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = ExplainModels.Random(CellType.Lstm);
        Explanation explanation = ModelExplainer.Explain(model, vocabulary, vocabulary.Encode(text), units: [(0, 2)], shownLength: 300);
        string directory = Directory.CreateTempSubdirectory("lstmsharp-explain-").FullName;
        try
        {
            string html = ExplainReport.RenderHtml(model, explanation);
            Assert.Contains("<section id=\"saturation\">", html, StringComparison.Ordinal);
            Assert.Contains("<section id=\"units\">", html, StringComparison.Ordinal);
            Assert.Contains("<section id=\"surprise\">", html, StringComparison.Ordinal);
            Assert.Equal(2, CountOf(html, "<svg class=\"saturation\""));
            Assert.Equal(explanation.Units.Count, CountOf(html, "<div class=\"text unit\""));
            Assert.Contains("Unit 0:2 tanh(c): chosen", html, StringComparison.Ordinal);
            Assert.DoesNotContain("http", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.Ordinal);

            string path = Path.Combine(directory, "explain.json");
            ExplainReport.WriteJson(path, model, explanation);
            using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = json.RootElement;
            Assert.Equal(8, root.GetProperty("saturation").GetArrayLength());
            Assert.Equal(model.HiddenSize, root.GetProperty("saturation")[0].GetProperty("left_fraction").GetArrayLength());
            Assert.Equal(Enum.GetValues<TextFeature>().Length, root.GetProperty("unit_search").GetArrayLength());
            Assert.Equal(text.Length, root.GetProperty("surprise").GetProperty("losses").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("surprise").GetProperty("losses")[0].ValueKind);
            Assert.Equal(explanation.Surprise.TotalNats, root.GetProperty("surprise").GetProperty("total_nats").GetDouble());
            Assert.Equal(300, root.GetProperty("units")[0].GetProperty("values").GetArrayLength());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
