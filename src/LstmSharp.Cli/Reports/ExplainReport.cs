using System.Globalization;
using System.Text;
using System.Text.Json;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Cli.Reports;

/// <summary>
/// Renders an <see cref="Explanation"/> as one self-contained HTML page (inline SVG and CSS, no scripts): gate saturation
/// as one scatter plot per layer, the unit search with the text coloured by each unit found (and each chosen), and the
/// text coloured by surprise, −log p, with the model's top guesses on hover. <see cref="WriteJson"/> writes the numbers.
/// </summary>
internal static class ExplainReport
{
    private const int UnitLevels = 10, SurpriseLevels = 20;
    private const double SurpriseScaleNats = 5;   // the darkest shade: p ≤ e^−5 ≈ 0.7%

    private static readonly string[] GateColors = ReportColors.Series;

    /// <summary>Renders the page.</summary>
    /// <param name="model">The explained model (its cell, layers and H head the page).</param>
    /// <param name="explanation">What <see cref="ModelExplainer"/> found.</param>
    /// <param name="title">The page title.</param>
    /// <returns>The HTML.</returns>
    public static string RenderHtml(CharModel<float> model, Explanation explanation, string title = "Inside the model: gates, cells and surprise")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(title);
        StringBuilder html = HtmlPage.Begin(title, Style());
        SurpriseAnalysis surprise = explanation.Surprise;
        html.Append("<table class=\"meta\" id=\"summary\"><tr><th>cell</th><th>layers</th><th>H</th><th>characters read</th><th>shown</th><th>nats/char</th><th>bits/char</th></tr>\n")
            .Append(Svg.Format($"<tr><td>{CellNames.DisplayName(model.CellType)}</td><td>{model.Layers.Count}</td><td>{model.HiddenSize}</td><td>{surprise.Losses.Count}</td><td>{explanation.ShownStart} … {explanation.ShownStart + explanation.Shown.Count - 1}</td><td>{surprise.NatsPerCharacter:0.000}</td><td>{surprise.NatsPerCharacter / Math.Log(2):0.000}</td></tr>\n</table>\n"))
            .Append("<p class=\"note\">One stream read from a zero state. Characters are shown as read; <code>↵</code> is a line break. ")
            .Append(Svg.Format($"Statistics cover every character read; the coloured texts show {explanation.Shown.Count} of them from position {explanation.ShownStart}.</p>\n"));
        AppendSaturation(html, explanation);
        AppendUnits(html, model.CellType, explanation);
        AppendSurprise(html, explanation);
        return HtmlPage.End(html);
    }

    /// <summary>Renders the page and writes it to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    /// <param name="path">The HTML file.</param>
    /// <param name="model">The explained model.</param>
    /// <param name="explanation">What <see cref="ModelExplainer"/> found.</param>
    /// <param name="title">The page title.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, CharModel<float> model, Explanation explanation, string title = "Inside the model: gates, cells and surprise") =>
        HtmlPage.WriteAtomically(path, RenderHtml(model, explanation, title));

    /// <summary>
    /// One layer's saturation plot, as in Karpathy et al. (2015): one point per gate unit at (fraction of steps
    /// left-saturated, fraction right-saturated), coloured by gate; the diagonal x + y = 1 bounds them.
    /// </summary>
    /// <param name="gates">The layer's gates, from <see cref="Explanation.Saturation"/>.</param>
    /// <param name="caption">The plot's title.</param>
    /// <returns>The SVG element (with its namespace, so it also stands alone as a file).</returns>
    public static string RenderSaturationSvg(IReadOnlyList<GateSaturation> gates, string caption)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(caption);
        const int size = 300, left = 52, top = 28, legendWidth = 140, bottom = 44;
        int width = left + size + legendWidth, height = top + size + bottom;
        double X(double fraction) => left + fraction * size;
        double Y(double fraction) => top + (1 - fraction) * size;
        var svg = new StringBuilder();
        svg.Append(Svg.Format($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"saturation\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"{Svg.Escape(caption)}\">\n"))
           .Append(Svg.Format($"<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"600\">{Svg.Escape(caption)}</text>\n"))
           .Append(Svg.Format($"<rect x=\"{left}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"#ffffff\" stroke=\"#888\"/>\n"));
        for (int tick = 0; tick <= 4; tick++)
        {
            double fraction = tick / 4.0;
            svg.Append(Svg.Format($"<line x1=\"{Svg.Number(X(fraction))}\" x2=\"{Svg.Number(X(fraction))}\" y1=\"{top}\" y2=\"{top + size}\" stroke=\"#eee\"/>"))
               .Append(Svg.Format($"<line x1=\"{left}\" x2=\"{left + size}\" y1=\"{Svg.Number(Y(fraction))}\" y2=\"{Svg.Number(Y(fraction))}\" stroke=\"#eee\"/>"))
               .Append(Svg.Format($"<text x=\"{Svg.Number(X(fraction))}\" y=\"{top + size + 15}\" text-anchor=\"middle\">{fraction:0.##}</text>"))
               .Append(Svg.Format($"<text x=\"{left - 6}\" y=\"{Svg.Number(Y(fraction) + 4)}\" text-anchor=\"end\">{fraction:0.##}</text>\n"));
        }

        svg.Append(Svg.Format($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left + size}\" y2=\"{top + size}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"))
           .Append(Svg.Format($"<text x=\"{left + size / 2}\" y=\"{height - 8}\" text-anchor=\"middle\">fraction left-saturated</text>\n"))
           .Append(Svg.Format($"<text transform=\"translate(14 {top + size / 2}) rotate(-90)\" text-anchor=\"middle\">fraction right-saturated</text>\n"));
        for (int gate = 0; gate < gates.Count; gate++)
        {
            GateSaturation saturation = gates[gate];
            string color = GateColors[gate % GateColors.Length];
            for (int unit = 0; unit < saturation.LeftFraction.Count; unit++)
            {
                double leftFraction = saturation.LeftFraction[unit], rightFraction = saturation.RightFraction[unit];
                svg.Append(Svg.Format($"<circle cx=\"{Svg.Number(X(leftFraction))}\" cy=\"{Svg.Number(Y(rightFraction))}\" r=\"3.2\" fill=\"{color}\" fill-opacity=\"0.7\"><title>{Svg.Escape(saturation.Gate)} unit {unit}: left {leftFraction:0.000}, right {rightFraction:0.000}</title></circle>"));
            }

            svg.Append('\n')
               .Append(Svg.Format($"<circle cx=\"{left + size + 20}\" cy=\"{top + 10 + gate * 20}\" r=\"5\" fill=\"{color}\"/>"))
               .Append(Svg.Format($"<text x=\"{left + size + 32}\" y=\"{top + 14 + gate * 20}\">{Svg.Escape(GateLabel(saturation.Gate))}</text>\n"));
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>Writes the saturation plots of every layer, side by side, as one standalone SVG file, atomically.</summary>
    /// <param name="path">The SVG file.</param>
    /// <param name="explanation">What <see cref="ModelExplainer"/> found.</param>
    /// <exception cref="ArgumentException">The model has no gates (a vanilla RNN).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteSaturationSvg(string path, Explanation explanation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(explanation);
        if (explanation.Saturation.Count == 0)
        {
            ThrowHelper.ThrowArgument("A vanilla RNN has no gates: there is no saturation to plot.", nameof(explanation));
        }

        var body = new StringBuilder();
        int x = 0, width = 0, height = 0;
        foreach (IGrouping<int, GateSaturation> layer in explanation.Saturation.GroupBy(gate => gate.Layer))
        {
            string svg = HtmlPage.Inline(RenderSaturationSvg([.. layer], Svg.Format($"Layer {layer.Key}")));
            (int partWidth, int partHeight) = (SizeOf(svg, "width"), SizeOf(svg, "height"));
            // A nested <svg> keeps each plot's own coordinate system; x places it.
            body.Append(svg.Replace("<svg ", Svg.Format($"<svg x=\"{x}\" y=\"0\" "), StringComparison.Ordinal));
            x += partWidth + 16;
            width = x - 16;
            height = Math.Max(height, partHeight);
        }

        Svg.WriteFile(path, Svg.Document(width, height, body));
    }

    /// <summary>Writes every number behind the report as JSON, atomically: saturation, the full unit ranking, the shown traces and the per-character losses.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="model">The explained model (its cell, layers and H open the document).</param>
    /// <param name="explanation">What <see cref="ModelExplainer"/> found.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteJson(string path, CharModel<float> model, Explanation explanation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(explanation);
        ReportFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
            WriteDocument(json, model, explanation);
        });
    }

    private static void WriteDocument(Utf8JsonWriter json, CharModel<float> model, Explanation explanation)
    {
        SurpriseAnalysis surprise = explanation.Surprise;
        json.WriteStartObject();
        json.WriteString("cell", CellNames.Of(model.CellType));
        json.WriteNumber("layers", model.Layers.Count);
        json.WriteNumber("hidden_size", model.HiddenSize);
        json.WriteNumber("characters", surprise.Losses.Count);
        json.WriteNumber("shown_start", explanation.ShownStart);
        json.WriteString("shown_text", string.Concat(explanation.Shown.Select(character => character.ToString())));
        json.WriteNumber("nats_per_char", surprise.NatsPerCharacter);
        json.WriteStartArray("saturation");
        foreach (GateSaturation gate in explanation.Saturation)
        {
            json.WriteStartObject();
            json.WriteNumber("layer", gate.Layer);
            json.WriteString("gate", gate.Gate);
            bool tanh = gate.Gate is "g" or "n";   // the same points of a tanh gate's range as 0.1 and 0.9 of a σ gate's
            json.WriteNumber("low_threshold", tanh ? -0.8 : 0.1);
            json.WriteNumber("high_threshold", tanh ? 0.8 : 0.9);
            WriteNumbers(json, "left_fraction", gate.LeftFraction);
            WriteNumbers(json, "right_fraction", gate.RightFraction);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("unit_search");
        foreach (FeatureRanking ranking in explanation.UnitSearch)
        {
            json.WriteStartObject();
            json.WriteString("feature", TextFeatureNames.Of(ranking.Feature).Replace(' ', '_'));
            json.WriteBoolean("feature_varies", ranking.Units.Count > 0);
            json.WriteStartArray("units");
            foreach (UnitCorrelation entry in ranking.Units)
            {
                json.WriteStartObject();
                WriteUnit(json, entry.Layer, entry.Index, entry.Signal);
                json.WriteNumber("r", Math.Round(entry.Correlation, 6));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("units");
        foreach (UnitTrace trace in explanation.Units)
        {
            json.WriteStartObject();
            WriteUnit(json, trace.Layer, trace.Index, trace.Signal);
            json.WriteString("reason", trace.Reason);
            WriteNumbers(json, "values", trace.Values.Select(value => (double)value).ToArray());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("surprise");
        json.WriteNumber("total_nats", surprise.TotalNats);
        json.WriteNumber("predicted_characters", surprise.Losses.Count - 1);
        json.WriteStartArray("losses");
        for (int position = 0; position < surprise.Losses.Count; position++)
        {
            if (double.IsNaN(surprise.Losses[position]))
            {
                json.WriteNullValue();
            }
            else
            {
                json.WriteNumberValue(Math.Round(surprise.Losses[position], 6));
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("top_predictions");
        foreach (IReadOnlyList<Prediction> top in surprise.TopPredictions)
        {
            WritePredictions(json, top);
        }

        json.WriteEndArray();
        json.WriteStartArray("worst");
        foreach (SurprisingCharacter worst in surprise.Worst)
        {
            json.WriteStartObject();
            json.WriteNumber("position", worst.Position);
            json.WriteString("character", worst.Character.ToString());
            json.WriteNumber("loss", worst.Loss);
            json.WriteString("context", worst.Context);
            json.WritePropertyName("top");
            WritePredictions(json, worst.Top);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("by_class");
        foreach (CharacterClassLoss characterClass in surprise.ByClass)
        {
            json.WriteStartObject();
            json.WriteString("class", characterClass.Class);
            json.WriteNumber("count", characterClass.Count);
            json.WriteNumber("mean_nats", characterClass.MeanNats);
            json.WriteNumber("share_of_loss", characterClass.ShareOfLoss);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // Which unit an entry is about, the same three keys in unit_search and units.
    private static void WriteUnit(Utf8JsonWriter json, int layer, int index, UnitSignal signal)
    {
        json.WriteNumber("layer", layer);
        json.WriteNumber("index", index);
        json.WriteString("signal", SignalKey(signal));
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyList<double> values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteNumberValue(Math.Round(value, 6));
        }

        json.WriteEndArray();
    }

    private static void WritePredictions(Utf8JsonWriter json, IReadOnlyList<Prediction> predictions)
    {
        json.WriteStartArray();
        foreach (Prediction prediction in predictions)
        {
            json.WriteStartObject();
            json.WriteString("character", prediction.Character.ToString());
            json.WriteNumber("p", Math.Round(prediction.Probability, 6));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void AppendSaturation(StringBuilder html, Explanation explanation)
    {
        html.Append("<section id=\"saturation\">\n<h2>Gate saturation</h2>\n");
        if (explanation.Saturation.Count == 0)
        {
            html.Append("<p class=\"note\">A vanilla RNN has no gates.</p>\n</section>\n");
            return;
        }

        html.Append("<p class=\"note\">Each point is one unit of one gate: how often, over the text, its value was left-saturated (σ &lt; 0.1; for the tanh-valued ")
            .Append("candidate g or n, &lt; −0.8) and right-saturated (&gt; 0.9, or &gt; 0.8). Points near the top left are gates almost always open, near the bottom right almost always shut, ")
            .Append("near the origin gates that work in their linear range (Karpathy, Johnson and Fei-Fei, 2015, figure 3). Hover a point for its unit.</p>\n<figure>\n");
        foreach (IGrouping<int, GateSaturation> layer in explanation.Saturation.GroupBy(gate => gate.Layer))
        {
            html.Append(HtmlPage.Inline(RenderSaturationSvg([.. layer], Svg.Format($"Layer {layer.Key}"))));
        }

        html.Append("</figure>\n<table class=\"meta\"><tr><th>layer</th><th>gate</th><th>mean left</th><th>mean right</th><th>units left-saturated &gt; half the time</th><th>units right-saturated &gt; half the time</th></tr>\n");
        foreach (GateSaturation gate in explanation.Saturation)
        {
            html.Append(Svg.Format($"<tr><td>{gate.Layer}</td><td>{Svg.Escape(GateLabel(gate.Gate))}</td><td>{gate.LeftFraction.Average():0.000}</td><td>{gate.RightFraction.Average():0.000}</td><td>{gate.LeftFraction.Count(value => value > 0.5)}</td><td>{gate.RightFraction.Count(value => value > 0.5)}</td></tr>\n"));
        }

        html.Append("</table>\n</section>\n");
    }

    private static void AppendUnits(StringBuilder html, CellType cellType, Explanation explanation)
    {
        html.Append("<section id=\"units\">\n<h2>Cells over text</h2>\n<p class=\"note\">The unit search: for each feature of the text, the units whose activation ")
            .Append(cellType == CellType.Lstm ? "(tanh(c) or h) " : "(h) ")
            .Append("correlates best with it over every character read (Pearson's r; a negative r tracks the feature inversely).</p>\n")
            .Append("<table class=\"meta\" id=\"unit-search\"><tr><th>feature</th><th>best</th><th>second</th><th>third</th></tr>\n");
        foreach (FeatureRanking ranking in explanation.UnitSearch)
        {
            html.Append("<tr><td>").Append(Svg.Escape(TextFeatureNames.Of(ranking.Feature))).Append("</td>");
            if (ranking.Units.Count == 0)
            {
                html.Append("<td colspan=\"3\">constant in this text: nothing to track</td></tr>\n");
                continue;
            }

            foreach (UnitCorrelation entry in ranking.Units.Take(3))
            {
                html.Append(Svg.Format($"<td>{entry.Layer}:{entry.Index} {SignalLabel(entry.Signal)}: r = {entry.Correlation:+0.000;−0.000}</td>"));
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n<p class=\"note\">Each text below is coloured by one unit's activation after reading each character, ")
            .Append("<span class=\"swatch n10\">−</span> blue for negative, white for 0, red for positive <span class=\"swatch p10\">+</span>, ")
            .Append("the darkest at the unit's largest |value| in the shown text (its scale, given with it; tanh(c) and h lie in (−1, 1)). Hover a character for the value.</p>\n");
        foreach (UnitTrace trace in explanation.Units)
        {
            double scale = trace.Values.Take(explanation.Shown.Count).Select(value => Math.Abs((double)value)).DefaultIfEmpty(0).Max();
            scale = scale > 0 ? scale : 1;
            html.Append(Svg.Format($"<h3>Unit {trace.Layer}:{trace.Index} {SignalLabel(trace.Signal)}: {Svg.Escape(trace.Reason)} <span class=\"scale\">(scale ±{scale:0.000})</span></h3>\n<div class=\"text unit\" data-unit=\"{trace.Layer}:{trace.Index}\">"));
            for (int position = 0; position < explanation.Shown.Count; position++)
            {
                double value = trace.Values[position];
                int level = (int)Math.Round(Math.Clamp(value / scale, -1, 1) * UnitLevels);
                string css = level > 0 ? Svg.Format($"p{level}") : level < 0 ? Svg.Format($"n{-level}") : "z";
                AppendCharacter(html, explanation.Shown[position], css, Svg.Format($"{value:+0.000;−0.000}"));
            }

            html.Append("</div>\n");
        }

        html.Append("</section>\n");
    }

    private static void AppendSurprise(StringBuilder html, Explanation explanation)
    {
        SurpriseAnalysis surprise = explanation.Surprise;
        html.Append("<section id=\"surprise\">\n<h2>Surprise</h2>\n")
            .Append(Svg.Format($"<p class=\"note\">Each character coloured by −log p(character | everything before it), from white (certain) to dark red (≥ {SurpriseScaleNats:0} nats, p ≤ {Math.Exp(-SurpriseScaleNats):0.0%}); the first character is not predicted. "))
            .Append("Hover a character for its loss and the model's top guesses.</p>\n<div class=\"text surprise\">");
        for (int position = 0; position < explanation.Shown.Count; position++)
        {
            double loss = surprise.Losses[explanation.ShownStart + position];
            if (double.IsNaN(loss))
            {
                AppendCharacter(html, explanation.Shown[position], "z", "not predicted (first character)");
                continue;
            }

            int level = (int)Math.Round(Math.Min(loss / SurpriseScaleNats, 1) * SurpriseLevels);
            var title = new StringBuilder(Svg.Format($"{Quoted(explanation.Shown[position])}: −log p = {loss:0.00} nats (p = {Math.Exp(-loss):0.000})"));
            IReadOnlyList<Prediction> top = surprise.TopPredictions[position];
            for (int rank = 0; rank < top.Count; rank++)
            {
                title.Append('\n').Append(Svg.Format($"{rank + 1}. {Quoted(top[rank].Character)} {top[rank].Probability:0.000}"));
            }

            AppendCharacter(html, explanation.Shown[position], Svg.Format($"s{level}"), title.ToString());
        }

        html.Append("</div>\n<h3>Most surprising characters</h3>\n<table class=\"meta\" id=\"worst\"><tr><th>position</th><th>context</th><th>character</th><th>−log p</th><th>top guesses</th></tr>\n");
        foreach (SurprisingCharacter worst in surprise.Worst)
        {
            string guesses = string.Join(", ", worst.Top.Select(prediction => Svg.Format($"{Quoted(prediction.Character)} {prediction.Probability:0.00}")));
            html.Append(Svg.Format($"<tr><td>{worst.Position}</td><td><code>{Svg.Escape(Visible(worst.Context))}</code></td><td><code>{Svg.Escape(Quoted(worst.Character))}</code></td><td>{worst.Loss:0.00}</td><td>{Svg.Escape(guesses)}</td></tr>\n"));
        }

        html.Append("</table>\n<h3>Loss by character class</h3>\n<table class=\"meta\" id=\"by-class\"><tr><th>class</th><th>characters</th><th>mean nats</th><th>share of the loss</th></tr>\n");
        foreach (CharacterClassLoss characterClass in surprise.ByClass)
        {
            html.Append(Svg.Format($"<tr><td>{Svg.Escape(characterClass.Class)}</td><td>{characterClass.Count}</td><td>{characterClass.MeanNats:0.000}</td><td>{characterClass.ShareOfLoss:0.0%}</td></tr>\n"));
        }

        html.Append("</table>\n</section>\n");
    }

    private static void AppendCharacter(StringBuilder html, Rune character, string css, string title)
    {
        html.Append("<span class=\"").Append(css).Append("\" title=\"").Append(Svg.Escape(title).Replace("\n", "&#10;", StringComparison.Ordinal)).Append("\">");
        html.Append(character.Value switch
        {
            '\n' => "↵</span>\n",
            '\r' => "␍</span>",
            '\t' => "⇥</span>\t",
            _ => Svg.Escape(character.ToString()) + "</span>",
        });
    }

    private static string Style()
    {
        var css = new StringBuilder("""

            .text { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; line-height: 1.55;
                    white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #ddd; padding: .5rem; max-height: 24em; overflow-y: auto; }
            .text span { border-radius: 2px; }
            .swatch { padding: 0 .3rem; font-family: ui-monospace, monospace; }
            svg.saturation { margin-right: 1rem; }
            h3 .scale { font-weight: normal; color: #444; font-size: .9rem; }
            table.meta code { white-space: pre; }
            """);
        for (int level = 1; level <= UnitLevels; level++)
        {
            string alpha = Svg.Number((double)level / UnitLevels);
            css.Append(Svg.Format($".p{level} {{ background: rgba({ReportColors.HotRgb},{alpha}); }} .n{level} {{ background: rgba({ReportColors.ColdRgb},{alpha}); }}\n"));
        }

        for (int level = 0; level <= SurpriseLevels; level++)
        {
            css.Append(Svg.Format($".s{level} {{ background: rgba({ReportColors.HotRgb},{Svg.Number(0.9 * level / SurpriseLevels)}); }}\n"));
        }

        return css.ToString();
    }

    private static int SizeOf(string svg, string attribute)
    {
        int start = svg.IndexOf(attribute + "=\"", StringComparison.Ordinal) + attribute.Length + 2;
        return int.Parse(svg.AsSpan(start, svg.IndexOf('"', start) - start), CultureInfo.InvariantCulture);
    }

    private static string GateLabel(string gate) => gate switch
    {
        "i" => "i (input)",
        "f" => "f (forget)",
        "g" => "g (candidate)",
        "o" => "o (output)",
        "r" => "r (reset)",
        "z" => "z (update)",
        "n" => "n (candidate)",
        _ => gate,
    };

    private static string SignalLabel(UnitSignal signal) => signal == UnitSignal.TanhCell ? "tanh(c)" : "h";

    private static string SignalKey(UnitSignal signal) => signal == UnitSignal.TanhCell ? "tanh_c" : "h";

    private static string Quoted(Rune character) => "'" + Visible(character.ToString()) + "'";

    private static string Visible(string text) => text.Replace("\n", "↵", StringComparison.Ordinal).Replace("\t", "⇥", StringComparison.Ordinal).Replace("\r", "␍", StringComparison.Ordinal);
}
