using System.Text;
using System.Text.Json;
using LstmSharp.Diagnostics;
using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Diagnostics;

public sealed class ModelExplainerTests
{
    private const string Quoted = "she said \"go on\" and (he said \"no\") then [x] {\"a\" (b)} ok. ";

    private static (CharModel<float> Model, Vocabulary Vocabulary, string Text) Random(CellType cellType, int layers = 2, int hidden = 6)
    {
        string text = string.Concat(Enumerable.Repeat(Quoted + "\n  indented \"line\" here\n", 12));
        var vocabulary = Vocabulary.FromText(text);
        var model = new CharModel<float>(cellType, vocabulary.Count, hidden, layers);
        model.Initialize(Initialization.PyTorchUniform, 9);
        foreach ((float[] parameters, float[] _) in model.ParameterBuffers)
        {
            for (int index = 0; index < parameters.Length; index++)
            {
                parameters[index] *= 4;   // wide enough weights that some gates saturate
            }
        }

        return (model, vocabulary, text);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Explain_SaturationFractions_EqualDirectCountOverOneWindow(CellType cellType)
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = Random(cellType);
        int[] ids = vocabulary.Encode(text);

        // One window over the whole text in both, so that the recording sees the very bits the explainer saw.
        Explanation explanation = ModelExplainer.Explain(model, vocabulary, ids, new ExplainOptions { WindowLength = ids.Length });
        var recording = new ForwardObserverTests.Recording<float>(model.Layers);
        model.Predict(ids, ids.Length, 1, null, new ModelState<float>(model, 1), new float[ids.Length * vocabulary.Count]);

        string[] names = cellType == CellType.Lstm ? ["i", "f", "g", "o"] : ["r", "z", "n"];
        Assert.Equal(2 * names.Length, explanation.Saturation.Count);
        bool anySaturated = false;
        foreach (GateSaturation gate in explanation.Saturation)
        {
            int gateIndex = Array.IndexOf(names, gate.Gate);
            bool tanh = gate.Gate is "g" or "n";
            Assert.Equal(tanh ? (-0.8, 0.8) : (0.1, 0.9), (gate.LowThreshold, gate.HighThreshold));
            for (int unit = 0; unit < model.HiddenSize; unit++)
            {
                float[] values = [.. recording.Steps[gate.Layer].Select(step => step.Gates[gateIndex * model.HiddenSize + unit])];
                Assert.Equal(ids.Length, values.Length);
                Assert.Equal(values.Count(value => value < (tanh ? -0.8f : 0.1f)) / (double)ids.Length, gate.LeftFraction[unit]);
                Assert.Equal(values.Count(value => value > (tanh ? 0.8f : 0.9f)) / (double)ids.Length, gate.RightFraction[unit]);
                anySaturated |= gate.LeftFraction[unit] > 0 || gate.RightFraction[unit] > 0;
            }
        }

        Assert.True(anySaturated);
    }

    [Fact]
    public void Explain_UnitSearch_CorrelationsEqualDirectPearsonAndRankByMagnitude()
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = Random(CellType.Lstm);
        int[] ids = vocabulary.Encode(text);
        Explanation explanation = ModelExplainer.Explain(model, vocabulary, ids, new ExplainOptions { WindowLength = ids.Length });
        var recording = new ForwardObserverTests.Recording<float>(model.Layers);
        model.Predict(ids, ids.Length, 1, null, new ModelState<float>(model, 1), new float[ids.Length * vocabulary.Count]);
        Rune[] characters = [.. ids.Select(id => vocabulary[id])];

        foreach (FeatureRanking ranking in explanation.UnitSearch)
        {
            Assert.True(ranking.FeatureVaries, ranking.Feature.ToString());
            Assert.Equal(2 * 2 * model.HiddenSize, ranking.Units.Count);   // two layers, tanh(c) and h
            double[] feature = TextFeatures.Compute(ranking.Feature, characters);
            for (int index = 0; index < ranking.Units.Count; index++)
            {
                UnitCorrelation entry = ranking.Units[index];
                double[] values = [.. recording.Steps[entry.Unit.Layer].Select(step => entry.Signal == UnitSignal.TanhCell
                    ? Math.Tanh(step.Cell[entry.Unit.Index]) : (double)step.Hidden[entry.Unit.Index])];
                Assert.Equal(Pearson(values, feature), entry.Correlation, 9);
                if (index > 0)
                {
                    Assert.True(Math.Abs(ranking.Units[index - 1].Correlation) >= Math.Abs(entry.Correlation));
                }
            }
        }
    }

    [Fact]
    public void Explain_PlantedQuoteCounter_ComesOutOnTopForInsideQuotes()
    {
        // Unit 0 of a small LSTM is wired by hand to flip its cell between 0 and 1 at every '"': at a quote the forget
        // gate shuts and the input gate opens, and g = tanh(5 − 5·h/tanh(1)) writes 1 when the cell held 0 and 0 when
        // it held 1 (then h = tanh(1)); elsewhere f = 1, i = 0 and the cell keeps its value. The other units are random.
        string text = string.Concat(Enumerable.Range(0, 40).Select(index => index % 3 == 0 ? "a \"quoted bit\" then more, " : index % 3 == 1 ? "(no quotes here) " : "x \"y\" z. "));
        var vocabulary = Vocabulary.FromText(text);
        const int hidden = 8;
        var model = new CharModel<float>(CellType.Lstm, vocabulary.Count, hidden);
        model.Initialize(Initialization.PyTorchUniform, 5);
        RecurrentCell<float> cell = model.Layers[0];
        Assert.True(vocabulary.TryGetId(new Rune('"'), out int quote));
        int inputs = vocabulary.Count;
        void Wire(int gate, float quoteWeight, float bias, float selfWeight)
        {
            int row = gate * hidden;   // unit 0 of the gate block
            cell.WeightIh.Slice(row * inputs, inputs).Clear();
            cell.WeightIh[row * inputs + quote] = quoteWeight;
            cell.WeightHh.Slice(row * hidden, hidden).Clear();
            cell.WeightHh[row * hidden] = selfWeight;
            cell.BiasIh[row] = bias;
            cell.BiasHh[row] = 0;
        }

        Wire(0, 30, -15, 0);                        // i: open only at a quote
        Wire(1, -30, 15, 0);                        // f: shut only at a quote
        Wire(2, 5, 0, (float)(-5 / Math.Tanh(1)));  // g: 1 − c_prev, read through h_prev = tanh(c_prev)
        Wire(3, 0, 15, 0);                          // o: always open

        Explanation explanation = ModelExplainer.Explain(model, vocabulary, text);

        FeatureRanking quotes = explanation.UnitSearch.Single(ranking => ranking.Feature == TextFeature.InsideQuotes);
        Assert.Equal(new UnitId(0, 0), quotes.Units[0].Unit);
        Assert.True(quotes.Units[0].Correlation > 0.99, $"r = {quotes.Units[0].Correlation}");
        Assert.True(quotes.Units.Where(entry => entry.Unit.Index != 0).All(entry => Math.Abs(entry.Correlation) < quotes.Units[0].Correlation - 0.05));
        Assert.Contains(explanation.Units, trace => trace.Unit == new UnitId(0, 0) && trace.Reason.Contains("inside quotes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(CellType.Lstm, 1)]
    [InlineData(CellType.Gru, 2)]
    [InlineData(CellType.Rnn, 2)]
    public void Explain_SurpriseLosses_SumToTextScorer(CellType cellType, int layers)
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = Random(cellType, layers);
        text = string.Concat(Enumerable.Repeat(text, 3));   // > 2 windows of 256

        Explanation explanation = ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { ShownLength = 100 });
        TextScore score = TextScorer.Score(model, vocabulary, text);

        SurpriseAnalysis surprise = explanation.Surprise;
        Assert.True(double.IsNaN(surprise.Losses[0]));
        Assert.Equal(score.Characters, surprise.Characters);
        Assert.Equal(surprise.Losses.Skip(1).Sum(), surprise.TotalNats, 9);
        // TextScorer sums each window's float losses in float (≤ 256 rows, ε = 6e-8): a relative 2e-5 bounds that rounding.
        Assert.True(Math.Abs(-score.LogProbability - surprise.TotalNats) <= 2e-5 * surprise.TotalNats,
            $"TextScorer {-score.LogProbability:R} nats, explainer {surprise.TotalNats:R}");
        Assert.Equal(surprise.TotalNats, surprise.ByClass.Sum(entry => entry.MeanNats * entry.Count), 6);
        Assert.Equal(1.0, surprise.ByClass.Sum(entry => entry.ShareOfLoss), 9);
        Assert.Equal(100, surprise.TopPredictions.Count);
        Assert.All(surprise.TopPredictions.Skip(1), top =>
        {
            Assert.Equal(5, top.Count);
            Assert.True(top.Zip(top.Skip(1)).All(pair => pair.First.Probability >= pair.Second.Probability));
        });
        double[] worst = [.. surprise.Worst.Select(entry => entry.Loss)];
        Assert.Equal(20, worst.Length);
        Assert.Equal(surprise.Losses.Skip(1).OrderDescending().Take(20), worst);
    }

    [Fact]
    public void Explain_RnnAndChosenUnits_NoGatesAndChosenUnitTracedFirst()
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = Random(CellType.Rnn);

        Explanation explanation = ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { Units = [new UnitId(1, 3)], ShownLength = 40 });

        Assert.Empty(explanation.Saturation);
        Assert.Equal(new UnitId(1, 3), explanation.Units[0].Unit);
        Assert.Equal(UnitSignal.Hidden, explanation.Units[0].Signal);
        Assert.All(explanation.Units, trace => Assert.Equal(40, trace.Values.Count));
        Assert.All(explanation.UnitSearch.SelectMany(ranking => ranking.Units), entry => Assert.Equal(UnitSignal.Hidden, entry.Signal));
    }

    [Fact]
    public void Explain_ShownStart_ShowsTheSameValuesAsTheWholeTextAtThatOffset()
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = Random(CellType.Lstm);
        var units = new UnitId[] { new(0, 1), new(1, 4) };

        Explanation whole = ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { Units = units });
        Explanation part = ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { Units = units, ShownStart = 30, ShownLength = 20 });

        Assert.Equal(30, part.ShownStart);
        Assert.Equal(whole.Shown.Skip(30).Take(20), part.Shown);
        for (int index = 0; index < units.Length; index++)
        {
            Assert.Equal(whole.Units[index].Values.Skip(30).Take(20), part.Units[index].Values);
        }

        Assert.Equal(whole.Surprise.TopPredictions.Skip(30).Take(20), part.Surprise.TopPredictions);
        Assert.Equal(whole.Surprise.Losses, part.Surprise.Losses);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { ShownStart = text.Length })).ParamName);
    }

    [Fact]
    public void Explain_BadInput_ArgumentExceptionsNameTheArgument()
    {
        (CharModel<float> model, Vocabulary vocabulary, string text) = Random(CellType.Lstm);

        Assert.Equal("options", Assert.Throws<ArgumentException>(() => ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { Units = [new UnitId(2, 0)] })).ParamName);
        Assert.Equal("ids", Assert.Throws<ArgumentException>(() => ModelExplainer.Explain(model, vocabulary, "a")).ParamName);
        Assert.Equal("vocabulary", Assert.Throws<ArgumentException>(() => ModelExplainer.Explain(model, Vocabulary.FromText("ab"), "abab")).ParamName);
        Assert.Equal("ShownLength", Assert.Throws<ArgumentOutOfRangeException>(() => ModelExplainer.Explain(model, vocabulary, text, new ExplainOptions { ShownLength = 0 })).ParamName);
        Assert.Throws<FormatException>(() => UnitId.Parse("1-2"));
        Assert.Equal(new UnitId(1, 12), UnitId.Parse("1:12"));
    }

    [Fact]
    public void TextFeatures_HandWorkedLine_MatchTheDefinitions()
    {
        Rune[] text = [.. "a \"b\" (c [d])\n {e(f}\n".EnumerateRunes()];
        //                 a   ␠   "   b   "   ␠   (   c   ␠   [   d   ]   )   ↵   ␠   {   e   (   f   }   ↵
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], TextFeatures.Compute(TextFeature.InsideQuotes, text));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1], TextFeatures.Compute(TextFeature.InsideParentheses, text));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 0, 0, 0, 1, 1, 2, 2, 1, 1], TextFeatures.Compute(TextFeature.BracketDepth, text));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0, 1, 2, 3, 4, 5, 6, 0], TextFeatures.Compute(TextFeature.PositionInLine, text));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0], TextFeatures.Compute(TextFeature.Indentation, text));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1], TextFeatures.Compute(TextFeature.AfterNewline, text));
    }

    private static double Pearson(double[] x, double[] y)
    {
        double meanX = x.Average(), meanY = y.Average();
        double covariance = x.Zip(y, (a, b) => (a - meanX) * (b - meanY)).Sum();
        double varianceX = x.Sum(a => (a - meanX) * (a - meanX)), varianceY = y.Sum(b => (b - meanY) * (b - meanY));
        return varianceX > 0 ? covariance / Math.Sqrt(varianceX * varianceY) : 0;
    }
}
