using System.Text;

namespace LstmSharp.Cli.Reports;

/// <summary>
/// Renders connectivity as coloured text, the article's way: each input character is shaded by its normalised
/// connectivity to the prediction, value ≤ 0.5 blue with opacity = value and value &gt; 0.5 red with opacity = value − 0.5;
/// the predicted character follows, highlighted green and outlined. One row per model, so RNN and LSTM compare at a glance.
/// </summary>
internal static class ConnectivityReport
{
    private const int CellWidth = 11, LineHeight = 20, LabelWidth = 150;

    /// <summary>Renders a page with a legend and one figure per section.</summary>
    /// <param name="sections">The sections, for example sequence lengths 20, 40 and 100.</param>
    /// <param name="title">The page title.</param>
    /// <param name="charactersPerLine">Where rows wrap.</param>
    /// <returns>The HTML.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="charactersPerLine"/> is not positive.</exception>
    public static string RenderHtml(IReadOnlyList<ConnectivitySection> sections, string title = "Connectivity: RNN vs LSTM", int charactersPerLine = 60)
    {
        ArgumentNullException.ThrowIfNull(sections);
        StringBuilder html = HtmlPage.Begin(title);
        html.Append("<p class=\"note\">How strongly each earlier character is connected to the prediction of the green character: the squared L2 norm of ")
            .Append("the gradient of the prediction with respect to that character's one-hot input, divided by the largest in its row. ")
            .Append("Characters are shown as read; <code>·</code> is a space and <code>↵</code> a line break.</p>\n<figure>\n")
            .Append(HtmlPage.Inline(RenderLegendSvg())).Append("</figure>\n");
        foreach (ConnectivitySection section in sections)
        {
            html.Append("<h2>").Append(Svg.Escape(section.Title)).Append("</h2>\n");
            if (section.LogDecades is { } decades)
            {
                html.Append(Svg.Format($"<p class=\"note\">Log scale: each character is shaded by 1 + log10(value) / {decades:0.##}, so the legend's 0 is 10<sup>−{decades:0.##}</sup> of the strongest and 1 the strongest.</p>\n"));
            }

            html.Append("<figure>\n").Append(HtmlPage.Inline(RenderSvg(section, charactersPerLine))).Append("</figure>\n");
        }

        return HtmlPage.End(html);
    }

    /// <summary>Renders the page and writes it to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    /// <param name="path">The HTML file.</param>
    /// <param name="sections">The sections.</param>
    /// <param name="title">The page title.</param>
    /// <param name="charactersPerLine">Where rows wrap.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IReadOnlyList<ConnectivitySection> sections, string title = "Connectivity: RNN vs LSTM", int charactersPerLine = 60) =>
        HtmlPage.WriteAtomically(path, RenderHtml(sections, title, charactersPerLine));

    /// <summary>Writes the legend and the sections, stacked, as one standalone SVG file, atomically.</summary>
    /// <param name="path">The SVG file.</param>
    /// <param name="sections">The sections.</param>
    /// <param name="charactersPerLine">Where rows wrap.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteSvg(string path, IReadOnlyList<ConnectivitySection> sections, int charactersPerLine = 60)
    {
        ArgumentNullException.ThrowIfNull(sections);
        string legend = RenderLegendSvg();
        var parts = new List<(string Svg, int Height, int Width, string Title)> { (HtmlPage.Inline(legend), SizeOf(legend, "height"), SizeOf(legend, "width"), "") };
        foreach (ConnectivitySection section in sections)
        {
            string svg = HtmlPage.Inline(RenderSvg(section, charactersPerLine));
            parts.Add((svg, SizeOf(svg, "height"), SizeOf(svg, "width"), section.Title));
        }

        int width = parts.Max(part => part.Width), y = 0;
        var body = new StringBuilder();
        foreach ((string svg, int height, int _, string title) in parts)
        {
            if (title.Length > 0)
            {
                body.Append(Svg.Format($"<text x=\"0\" y=\"{y + 16}\" font-family=\"system-ui, sans-serif\" font-size=\"14\" font-weight=\"700\">{Svg.Escape(title)}</text>\n"));
                y += 24;
            }

            // A nested <svg> keeps each part's own coordinate system; x and y place it.
            body.Append(svg.Replace("<svg ", Svg.Format($"<svg x=\"0\" y=\"{y}\" "), StringComparison.Ordinal));
            y += height + 8;
        }

        Svg.WriteFile(path, Svg.Document(width, y, body));
    }

    /// <summary>One section as a standalone SVG: per row, the label with p(target), then the coloured characters and the predicted one.</summary>
    /// <param name="section">The section.</param>
    /// <param name="charactersPerLine">Where rows wrap.</param>
    /// <returns>The SVG element (with its namespace, so it also stands alone as a file).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="charactersPerLine"/> is not positive.</exception>
    public static string RenderSvg(ConnectivitySection section, int charactersPerLine = 60)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(charactersPerLine);
        int longest = section.Rows.Count == 0 ? 1 : section.Rows.Max(row => row.Inputs.Count + 1);
        int columns = Math.Min(charactersPerLine, longest);
        int[] lineCounts = [.. section.Rows.Select(row => (row.Inputs.Count + 1 + charactersPerLine - 1) / charactersPerLine)];
        int width = LabelWidth + columns * CellWidth + 8;
        int height = lineCounts.Sum() * LineHeight + section.Rows.Count * 10 + 6;
        var svg = new StringBuilder();
        svg.Append(Svg.Format($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-size=\"14\" role=\"img\" aria-label=\"{Svg.Escape(section.Title)}\">\n"));
        int y = 4;
        for (int index = 0; index < section.Rows.Count; index++)
        {
            ConnectivityRow row = section.Rows[index];
            svg.Append(Svg.Format($"<text x=\"0\" y=\"{y + 14}\" font-family=\"system-ui, sans-serif\" font-size=\"13\" font-weight=\"600\">{Svg.Escape(row.Label)}</text>"))
               .Append(Svg.Format($"<text x=\"0\" y=\"{y + 28}\" font-family=\"system-ui, sans-serif\" font-size=\"11\" fill=\"#444\">p(target) = {Math.Exp(-row.Loss):0.000}</text>\n"));
            int count = row.Inputs.Count + 1;
            for (int position = 0; position < count; position++)
            {
                bool predicted = position == row.Inputs.Count;
                int id = predicted ? row.Target : row.Inputs[position];
                double x = LabelWidth + position % charactersPerLine * CellWidth;
                double top = y + position / charactersPerLine * LineHeight;
                string fill = predicted ? ReportColors.Predicted : ReportColors.Connectivity(section.Shade(row.Normalized[position]));
                string title = predicted
                    ? "predicted"
                    : Svg.Format($"position {position}: {row.Normalized[position]:0.000} (raw {row.Values[position]:0.###e+0})");
                svg.Append(Svg.Format($"<g><title>{Svg.Escape(title)}</title><rect x=\"{Svg.Number(x)}\" y=\"{Svg.Number(top)}\" width=\"{CellWidth}\" height=\"{LineHeight - 2}\" fill=\"{fill}\"{(predicted ? " stroke=\"#004d38\" stroke-width=\"1.5\"" : "")}/>"))
                   .Append(Svg.Format($"<text x=\"{Svg.Number(x + CellWidth / 2.0)}\" y=\"{Svg.Number(top + 14)}\" text-anchor=\"middle\" font-family=\"ui-monospace, Menlo, Consolas, monospace\"{(predicted ? " fill=\"#ffffff\" font-weight=\"700\"" : "")}>{Svg.Escape(Shown(row.Vocabulary[id].ToString()))}</text></g>\n"));
            }

            y += lineCounts[index] * LineHeight + 10;
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>The colour legend: the blue-to-red scale from 0 to 1 and the predicted character's green.</summary>
    /// <returns>The SVG element.</returns>
    public static string RenderLegendSvg()
    {
        const int steps = 20, swatch = 14, left = 10;
        var svg = new StringBuilder();
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"66\" viewBox=\"0 0 560 66\" font-family=\"system-ui, sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"Legend: connectivity from 0 (transparent) through blue (0.5) to red (1); green marks the predicted character\">\n");
        for (int step = 0; step <= steps; step++)
        {
            double value = (double)step / steps;
            svg.Append(Svg.Format($"<rect x=\"{left + step * swatch}\" y=\"6\" width=\"{swatch}\" height=\"18\" fill=\"{ReportColors.Connectivity(value)}\" stroke=\"#ddd\" stroke-width=\"0.5\"/>"));
        }

        int end = left + (steps + 1) * swatch;
        svg.Append(Svg.Format($"\n<text x=\"{left}\" y=\"38\">0</text><text x=\"{left + steps / 2 * swatch + swatch / 2}\" y=\"38\" text-anchor=\"middle\">0.5</text><text x=\"{end}\" y=\"38\" text-anchor=\"end\">1</text>\n"))
           .Append(Svg.Format($"<text x=\"{left}\" y=\"50\" fill=\"#444\">0 to 0.5: weak, blue, opacity = value</text><text x=\"{left}\" y=\"63\" fill=\"#444\">0.5 to 1: strong, red, opacity = value − 0.5</text>\n"))
           .Append(Svg.Format($"<rect x=\"{end + 30}\" y=\"6\" width=\"{CellWidth}\" height=\"18\" fill=\"{ReportColors.Predicted}\" stroke=\"#004d38\" stroke-width=\"1.5\"/>"))
           .Append(Svg.Format($"<text x=\"{end + 48}\" y=\"19\">predicted character</text>\n"));
        return svg.Append("</svg>\n").ToString();
    }

    private static int SizeOf(string svg, string attribute)
    {
        int start = svg.IndexOf(attribute + "=\"", StringComparison.Ordinal) + attribute.Length + 2;
        return int.Parse(svg.AsSpan(start, svg.IndexOf('"', start) - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Shown(string character) => character switch
    {
        " " => "·",
        "\n" => "↵",
        "\r" => "␍",
        "\t" => "⇥",
        _ => character,
    };
}
