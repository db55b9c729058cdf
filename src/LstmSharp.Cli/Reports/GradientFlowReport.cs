using System.Text;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;

namespace LstmSharp.Cli.Reports;

/// <summary>
/// Renders gradient-flow snapshots as one self-contained HTML page (inline SVG, CSS and one small inline script; nothing
/// from the network): the per-epoch training loss when recorded, the gradient norm against the distance from the loss
/// on a log scale, every run and epoch on one plot, the article's histograms (100 linear bins over ±0.01, one panel per
/// model and epoch, animated over the time steps from the loss backwards), and our per-step log-magnitude histograms of
/// dh (and dc for an LSTM) as small multiples, one row per epoch.
/// </summary>
internal static class GradientFlowReport
{
    private const int HeatmapWidth = 260, HeatmapHeight = 130;
    private const int HeatmapBins = 48;
    private const double HeatmapMinimum = 1e-12, HeatmapMaximum = 10;

    /// <summary>Renders the page.</summary>
    /// <param name="runs">The models to compare, each with its snapshots.</param>
    /// <param name="title">The page title.</param>
    /// <returns>The HTML.</returns>
    /// <exception cref="ArgumentException">No run has a snapshot.</exception>
    public static string RenderHtml(IReadOnlyList<GradientFlowRun> runs, string title = "Gradient flow: RNN vs LSTM")
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (!runs.Any(run => run.Snapshots.Count > 0))
        {
            ThrowHelper.ThrowArgument("No run has a snapshot to show.", nameof(runs));
        }

        StringBuilder html = HtmlPage.Begin(title);
        html.Append("<table class=\"meta\"><tr><th>model</th><th>cell</th><th>H</th><th>layers</th><th>probe T × B</th><th>loss on</th><th>snapshots (epoch: probe loss)</th></tr>\n");
        foreach (GradientFlowRun run in runs.Where(run => run.Snapshots.Count > 0))
        {
            GradientFlowSnapshot first = run.Snapshots[0];
            StateGradientSeries bottom = first.Layers[0].Hidden;
            int sequenceLength = bottom.Norms.Count, batchSize = bottom.StepValues(0).Length / run.HiddenSize;
            string losses = string.Join(", ", run.Snapshots.Select(snapshot => Svg.Format($"{EpochLabel(snapshot)}: {snapshot.Loss:G3}")));
            html.Append(Svg.Format($"<tr><td>{Svg.Escape(run.Label)}</td><td>{CellNames.DisplayName(run.Cell)}</td><td>{run.HiddenSize}</td><td>{first.Layers.Count}</td><td>{sequenceLength} × {batchSize}</td><td>{(first.LossMode == LossMode.LastStep ? "last step" : "every step")}</td><td>{Svg.Escape(losses)}</td></tr>\n"));
        }

        html.Append("</table>\n");
        if (runs.Any(run => run.EpochLosses.Count > 0))
        {
            html.Append("<h2>Training loss per epoch</h2>\n<figure>\n").Append(HtmlPage.Inline(RenderEpochLossPlotSvg(runs)))
                .Append("<figcaption>The mean of each epoch's window losses (nats per prediction).</figcaption>\n</figure>\n");
        }

        html.Append("<h2>Gradient norm against distance from the loss</h2>\n<figure>\n")
            .Append(HtmlPage.Inline(RenderNormPlotSvg(runs)))
            .Append("<figcaption>‖dL/dh_t‖ (solid) and, for an LSTM, ‖dL/dc_t‖ (dashed) of the bottom layer, over all B·H units of step t, against T − 1 − t. ")
            .Append("One line per recorded epoch: lighter is earlier. Norms that underflow to zero are not drawn.</figcaption>\n</figure>\n");
        AppendAnimatedHistograms(html, runs);
        html.Append("<h2>Per-step histograms (log magnitude)</h2>\n<p class=\"note\">Each panel is one histogram per step t (a column; the loss is at the right edge). ")
            .Append("Rows are bins of |gradient| on a log scale, large at the top; the bottom row collects values below the range, exact zeros included, and the top row those above. ")
            .Append("Darker means more of the step's B·H values.</p>\n");
        foreach (int? epoch in runs.SelectMany(run => run.Snapshots).Select(snapshot => snapshot.Epoch).Distinct().Order())
        {
            html.Append("<h3>").Append(epoch is null ? "Snapshot" : Svg.Format($"Epoch {epoch}")).Append("</h3>\n<figure>\n");
            foreach (GradientFlowRun run in runs)
            {
                foreach (GradientFlowSnapshot snapshot in run.Snapshots.Where(snapshot => snapshot.Epoch == epoch))
                {
                    for (int index = 0; index < snapshot.Layers.Count; index++)
                    {
                        LayerGradientFlow layer = snapshot.Layers[index];
                        string suffix = snapshot.Layers.Count > 1 ? Svg.Format($", layer {index}") : "";
                        html.Append(HtmlPage.Inline(RenderHeatmapSvg(layer.Hidden, $"{run.Label} dL/dh{suffix}")));
                        if (layer.Cell is not null)
                        {
                            html.Append(HtmlPage.Inline(RenderHeatmapSvg(layer.Cell, $"{run.Label} dL/dc{suffix}")));
                        }
                    }
                }
            }

            html.Append("</figure>\n");
        }

        return HtmlPage.End(html);
    }

    /// <summary>Renders the page and writes it to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    /// <param name="path">The HTML file.</param>
    /// <param name="runs">The models to compare.</param>
    /// <param name="title">The page title.</param>
    /// <exception cref="ArgumentException">No run has a snapshot, or the path is empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IReadOnlyList<GradientFlowRun> runs, string title = "Gradient flow: RNN vs LSTM") =>
        HtmlPage.WriteAtomically(path, RenderHtml(runs, title));

    /// <summary>Writes <see cref="RenderNormPlotSvg"/> to <paramref name="path"/> atomically, as a standalone SVG file.</summary>
    /// <param name="path">The SVG file.</param>
    /// <param name="runs">The models to compare.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteNormPlotSvg(string path, IReadOnlyList<GradientFlowRun> runs) =>
        Svg.WriteFile(path, RenderNormPlotSvg(runs));

    /// <summary>
    /// A standalone SVG plot of the bottom layer's ‖dL/dh_t‖ (and ‖dL/dc_t‖) against the distance T − 1 − t from the loss,
    /// log scale, one line per run and epoch.
    /// </summary>
    /// <param name="runs">The models to compare.</param>
    /// <returns>The SVG element (with its namespace, so it also stands alone as a file).</returns>
    public static string RenderNormPlotSvg(IReadOnlyList<GradientFlowRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        const int width = 720, height = 360, left = 64, right = 170, top = 16, bottom = 44;
        int plotWidth = width - left - right, plotHeight = height - top - bottom;

        var lines = new List<(int Run, int Index, int Count, bool Cell, IReadOnlyList<double> Norms)>();
        for (int run = 0; run < runs.Count; run++)
        {
            IReadOnlyList<GradientFlowSnapshot> snapshots = runs[run].Snapshots;
            for (int index = 0; index < snapshots.Count; index++)
            {
                LayerGradientFlow layer = snapshots[index].Layers[0];
                lines.Add((run, index, snapshots.Count, false, layer.Hidden.Norms));
                if (layer.Cell is not null)
                {
                    lines.Add((run, index, snapshots.Count, true, layer.Cell.Norms));
                }
            }
        }

        double[] positive = [.. lines.SelectMany(line => line.Norms).Where(norm => norm > 0 && double.IsFinite(norm))];
        int maxDistance = Math.Max(1, lines.Count == 0 ? 1 : lines.Max(line => line.Norms.Count) - 1);
        double highDecade = positive.Length == 0 ? 0 : Math.Ceiling(Math.Log10(positive.Max()));
        double lowDecade = positive.Length == 0 ? -1 : Math.Floor(Math.Log10(positive.Min()));
        lowDecade = Math.Min(lowDecade, highDecade - 1);
        double X(double distance) => left + distance / maxDistance * plotWidth;
        double Y(double log10) => top + (highDecade - log10) / (highDecade - lowDecade) * plotHeight;

        var svg = new StringBuilder();
        svg.Append(Svg.Format($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"Gradient norm against distance from the loss, log scale\">\n"));
        svg.Append(Svg.Format($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"#ffffff\" stroke=\"#888\"/>\n"));
        int decades = (int)(highDecade - lowDecade);
        int decadeStep = decades <= 12 ? 1 : decades <= 24 ? 2 : decades <= 60 ? 5 : 10;
        for (double decade = highDecade; decade >= lowDecade; decade -= decadeStep)
        {
            double y = Y(decade);
            svg.Append(Svg.Format($"<line x1=\"{left}\" x2=\"{left + plotWidth}\" y1=\"{Svg.Number(y)}\" y2=\"{Svg.Number(y)}\" stroke=\"#e3e3e3\"/>"))
               .Append(Svg.Format($"<text x=\"{left - 6}\" y=\"{Svg.Number(y + 4)}\" text-anchor=\"end\">1e{decade}</text>\n"));
        }

        int distanceStep = maxDistance <= 10 ? 1 : maxDistance <= 50 ? 5 : maxDistance <= 100 ? 10 : 50;
        for (int distance = 0; distance <= maxDistance; distance += distanceStep)
        {
            double x = X(distance);
            svg.Append(Svg.Format($"<line x1=\"{Svg.Number(x)}\" x2=\"{Svg.Number(x)}\" y1=\"{top + plotHeight}\" y2=\"{top + plotHeight + 4}\" stroke=\"#888\"/>"))
               .Append(Svg.Format($"<text x=\"{Svg.Number(x)}\" y=\"{top + plotHeight + 17}\" text-anchor=\"middle\">{distance}</text>\n"));
        }

        svg.Append(Svg.Format($"<text x=\"{left + plotWidth / 2}\" y=\"{height - 6}\" text-anchor=\"middle\">distance from the loss (steps)</text>\n"));
        svg.Append(Svg.Format($"<text transform=\"translate(14 {top + plotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">gradient norm (log scale)</text>\n"));

        foreach ((int run, int index, int count, bool cell, IReadOnlyList<double> norms) in lines)
        {
            string color = ReportColors.Series[run % ReportColors.Series.Length];
            double opacity = count <= 1 ? 1 : 0.3 + 0.7 * index / (count - 1);
            var path = new StringBuilder();
            bool penDown = false;
            for (int step = norms.Count - 1; step >= 0; step--)
            {
                double norm = norms[step];
                if (!(norm > 0) || !double.IsFinite(norm))
                {
                    penDown = false;
                    continue;
                }

                path.Append(penDown ? " L" : " M").Append(Svg.Number(X(norms.Count - 1 - step))).Append(' ').Append(Svg.Number(Y(Math.Log10(norm))));
                penDown = true;
            }

            if (path.Length > 0)
            {
                svg.Append(Svg.Format($"<path d=\"{path.ToString().Trim()}\" fill=\"none\" stroke=\"{color}\" stroke-opacity=\"{Svg.Number(opacity)}\" stroke-width=\"1.8\"{(cell ? " stroke-dasharray=\"6 3\"" : "")}/>\n"));
            }
        }

        int legendY = top + 8;
        for (int run = 0; run < runs.Count; run++)
        {
            string color = ReportColors.Series[run % ReportColors.Series.Length];
            bool hasCell = runs[run].Snapshots.Any(snapshot => snapshot.Layers[0].Cell is not null);
            foreach ((string name, bool dashed) in hasCell ? new[] { ("dh", false), ("dc", true) } : [("dh", false)])
            {
                svg.Append(Svg.Format($"<line x1=\"{width - right + 12}\" x2=\"{width - right + 40}\" y1=\"{legendY}\" y2=\"{legendY}\" stroke=\"{color}\" stroke-width=\"2.5\"{(dashed ? " stroke-dasharray=\"6 3\"" : "")}/>"))
                   .Append(Svg.Format($"<text x=\"{width - right + 46}\" y=\"{legendY + 4}\">{Svg.Escape(runs[run].Label)} {name}</text>\n"));
                legendY += 18;
            }
        }

        string epochs = string.Join(", ", runs.SelectMany(run => run.Snapshots).Select(EpochLabel).Distinct());
        svg.Append(Svg.Format($"<text x=\"{width - right + 12}\" y=\"{legendY + 6}\" font-size=\"11\" fill=\"#444\">epochs {Svg.Escape(epochs)}</text>\n"));
        svg.Append(Svg.Format($"<text x=\"{width - right + 12}\" y=\"{legendY + 20}\" font-size=\"11\" fill=\"#444\">lighter = earlier</text>\n"));
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>
    /// A standalone SVG heatmap of one series' per-step histograms: column t is step t's histogram (bins bottom to top,
    /// underflow in the bottom row, overflow in the top row), the shade the share of the step's values in that bin.
    /// </summary>
    /// <param name="series">The series, for example a layer's <see cref="LayerGradientFlow.Hidden"/>.</param>
    /// <param name="caption">The panel's title.</param>
    /// <returns>The SVG element.</returns>
    public static string RenderHeatmapSvg(StateGradientSeries series, string caption)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(caption);
        const int left = 58, top = 20, bottom = 22, right = 8;
        int steps = series.Norms.Count;
        int rows = HeatmapBins + 2;
        var rgb = new byte[rows * steps * 3];
        for (int step = 0; step < steps; step++)
        {
            Histogram histogram = HeatmapHistogram(series, step);
            double total = Math.Max(1, histogram.Total);
            for (int row = 0; row < rows; row++)
            {
                // Image row 0 is the top: overflow, then bins from the largest down, then underflow.
                long count = row == 0 ? histogram.Overflow : row == rows - 1 ? histogram.Underflow : histogram.Counts[HeatmapBins - row];
                double share = count / total;
                (byte r, byte g, byte b) = count == 0 ? ((byte)255, (byte)255, (byte)255) : ReportColors.Heat(0.15 + 0.85 * Math.Log(1 + 99 * share) / Math.Log(100));
                int offset = (row * steps + step) * 3;
                rgb[offset] = r;
                rgb[offset + 1] = g;
                rgb[offset + 2] = b;
            }
        }

        int width = left + HeatmapWidth + right, height = top + HeatmapHeight + bottom;
        string high = Svg.Format($"1e{Math.Log10(HeatmapMaximum):0.#}");
        string low = Svg.Format($"1e{Math.Log10(HeatmapMinimum):0.#}");
        double rowHeight = (double)HeatmapHeight / rows;
        var svg = new StringBuilder();
        svg.Append(Svg.Format($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"{Svg.Escape(caption)}: per-step histograms\">\n"))
           .Append(Svg.Format($"<text x=\"{left}\" y=\"13\" font-size=\"12\" font-weight=\"600\">{Svg.Escape(caption)}</text>\n"))
           .Append(Svg.Format($"<image x=\"{left}\" y=\"{top}\" width=\"{HeatmapWidth}\" height=\"{HeatmapHeight}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"{PngEncoder.DataUri(rgb, steps, rows)}\"/>\n"))
           .Append(Svg.Format($"<rect x=\"{left}\" y=\"{top}\" width=\"{HeatmapWidth}\" height=\"{HeatmapHeight}\" fill=\"none\" stroke=\"#888\"/>\n"))
           .Append(Svg.Format($"<text x=\"{left - 4}\" y=\"{Svg.Number(top + rowHeight + 8)}\" text-anchor=\"end\">{high}</text>\n"))
           .Append(Svg.Format($"<text x=\"{left - 4}\" y=\"{Svg.Number(top + HeatmapHeight - rowHeight - 1)}\" text-anchor=\"end\">{low}</text>\n"))
           .Append(Svg.Format($"<text x=\"{left - 4}\" y=\"{top + HeatmapHeight}\" text-anchor=\"end\" fill=\"#444\">&lt; min</text>\n"))
           .Append(Svg.Format($"<text x=\"{left}\" y=\"{height - 6}\">t = 0</text>\n"))
           .Append(Svg.Format($"<text x=\"{left + HeatmapWidth}\" y=\"{height - 6}\" text-anchor=\"end\">t = {steps - 1} (loss)</text>\n"));
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>Writes <see cref="RenderEpochLossPlotSvg"/> to <paramref name="path"/> atomically, as a standalone SVG file.</summary>
    /// <param name="path">The SVG file.</param>
    /// <param name="runs">The models to compare; those without <see cref="GradientFlowRun.EpochLosses"/> are left out.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteEpochLossPlotSvg(string path, IReadOnlyList<GradientFlowRun> runs) =>
        Svg.WriteFile(path, RenderEpochLossPlotSvg(runs));

    /// <summary>A standalone SVG plot of each run's mean training loss per epoch (linear scale).</summary>
    /// <param name="runs">The models to compare; those without <see cref="GradientFlowRun.EpochLosses"/> are left out.</param>
    /// <returns>The SVG element.</returns>
    public static string RenderEpochLossPlotSvg(IReadOnlyList<GradientFlowRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        const int width = 720, height = 300, left = 64, right = 150, top = 16, bottom = 44;
        int plotWidth = width - left - right, plotHeight = height - top - bottom;
        double[] all = [.. runs.SelectMany(run => run.EpochLosses).Where(double.IsFinite)];
        int epochs = Math.Max(2, runs.Max(run => run.EpochLosses.Count));
        double high = all.Length == 0 ? 1 : Math.Ceiling(all.Max() * 2) / 2, low = all.Length == 0 ? 0 : Math.Floor(all.Min() * 2) / 2;
        high = Math.Max(high, low + 0.5);
        double X(double epoch) => left + epoch / (epochs - 1) * plotWidth;
        double Y(double loss) => top + (high - loss) / (high - low) * plotHeight;
        var svg = new StringBuilder();
        svg.Append(Svg.Format($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"Mean training loss per epoch\">\n"));
        svg.Append(Svg.Format($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"#ffffff\" stroke=\"#888\"/>\n"));
        for (double loss = low; loss <= high + 1e-9; loss += 0.5)
        {
            double y = Y(loss);
            svg.Append(Svg.Format($"<line x1=\"{left}\" x2=\"{left + plotWidth}\" y1=\"{Svg.Number(y)}\" y2=\"{Svg.Number(y)}\" stroke=\"#e3e3e3\"/>"))
               .Append(Svg.Format($"<text x=\"{left - 6}\" y=\"{Svg.Number(y + 4)}\" text-anchor=\"end\">{loss:0.0}</text>\n"));
        }

        int epochStep = epochs <= 12 ? 1 : epochs <= 60 ? 10 : 50;
        for (int epoch = 0; epoch < epochs; epoch += epochStep)
        {
            svg.Append(Svg.Format($"<text x=\"{Svg.Number(X(epoch))}\" y=\"{top + plotHeight + 17}\" text-anchor=\"middle\">{epoch}</text>\n"));
        }

        svg.Append(Svg.Format($"<text x=\"{left + plotWidth / 2}\" y=\"{height - 6}\" text-anchor=\"middle\">epoch</text>\n"));
        svg.Append(Svg.Format($"<text transform=\"translate(14 {top + plotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">mean training loss (nats)</text>\n"));
        int legendY = top + 8;
        for (int run = 0; run < runs.Count; run++)
        {
            IReadOnlyList<double> losses = runs[run].EpochLosses;
            if (losses.Count == 0)
            {
                continue;
            }

            string color = ReportColors.Series[run % ReportColors.Series.Length];
            string points = string.Join(" ", losses.Select((loss, epoch) => (loss, epoch)).Where(point => double.IsFinite(point.loss))
                .Select(point => Svg.Number(X(point.epoch)) + "," + Svg.Number(Y(point.loss))));
            svg.Append(Svg.Format($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"/>\n"))
               .Append(Svg.Format($"<line x1=\"{width - right + 12}\" x2=\"{width - right + 40}\" y1=\"{legendY}\" y2=\"{legendY}\" stroke=\"{color}\" stroke-width=\"2.5\"/>"))
               .Append(Svg.Format($"<text x=\"{width - right + 46}\" y=\"{legendY + 4}\">{Svg.Escape(runs[run].Label)}</text>\n"));
            legendY += 18;
        }

        return svg.Append("</svg>\n").ToString();
    }

    // The article's histograms: 100 equal bins over ±0.01, one panel per model, quantity and epoch, all showing the same
    // time step; a script steps them from the loss backwards. Without the script, each panel shows distance 0.
    private const int ArticleBins = 100;
    private const double ArticleRange = 0.01;
    private const int PanelWidth = 150, PanelHeight = 70;

    private static void AppendAnimatedHistograms(StringBuilder html, IReadOnlyList<GradientFlowRun> runs)
    {
        var rows = new List<(string Label, IReadOnlyList<(string Epoch, StateGradientSeries Series)> Panels)>();
        foreach (GradientFlowRun run in runs)
        {
            if (run.Snapshots.Count == 0 || run.Snapshots[0].LossMode != LossMode.LastStep)
            {
                continue;
            }

            rows.Add(($"{run.Label} dL/dh", [.. run.Snapshots.Select(snapshot => (EpochLabel(snapshot), snapshot.Layers[0].Hidden))]));
            if (run.Snapshots[0].Layers[0].Cell is not null)
            {
                rows.Add(($"{run.Label} dL/dc", [.. run.Snapshots.Select(snapshot => (EpochLabel(snapshot), snapshot.Layers[0].Cell!))]));
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        int steps = rows.Max(row => row.Panels.Max(panel => panel.Series.Norms.Count));
        html.Append("<h2>The article's histograms, animated from the loss backwards</h2>\n")
            .Append("<p class=\"note\">As the article drew them: each panel is the histogram of one step's B·H gradient values in 100 equal bins over [−0.01, 0.01] ")
            .Append("(values outside are counted at the edges, in red), the height the share of values per bin, on one scale per row. Every panel shows the same step, ")
            .Append("from the loss (distance 0) back to the start of the probe window; a gradient that vanishes collapses into the middle bin, one that explodes leaves the range.</p>\n")
            .Append(Svg.Format($"<div class=\"gf-anim\" data-steps=\"{steps}\">\n<p class=\"note\"><button type=\"button\" class=\"gf-play\">Pause</button> "))
            .Append(Svg.Format($"<label>distance from the loss <input type=\"range\" class=\"gf-step\" min=\"0\" max=\"{steps - 1}\" value=\"0\"></label> <output class=\"gf-label\">0</output></p>\n"))
            .Append("<table class=\"meta gf-grid\">\n<tr><th></th>");
        foreach (string epoch in rows[0].Panels.Select(panel => panel.Epoch))
        {
            html.Append("<th>epoch ").Append(Svg.Escape(epoch)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach ((string label, IReadOnlyList<(string Epoch, StateGradientSeries Series)> panels) in rows)
        {
            // One data list per panel: per distance from the loss, the bin shares, then the shares below and above the range.
            double[][][] shares = [.. panels.Select(panel => ArticleShares(panel.Series))];
            double scale = Math.Max(1e-12, shares.SelectMany(panel => panel).SelectMany(step => step.Take(ArticleBins)).DefaultIfEmpty(0).Max());
            html.Append("<tr><th>").Append(Svg.Escape(label)).Append("</th>");
            foreach (double[][] panel in shares)
            {
                string data = string.Join(";", panel.Select(step => string.Join(",", step.Select(share => (share / scale).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)))));
                html.Append("<td>").Append(Svg.Format($"<svg width=\"{PanelWidth}\" height=\"{PanelHeight + 14}\" viewBox=\"0 0 {PanelWidth} {PanelHeight + 14}\" class=\"gf-panel\" data-shares=\"{data}\" role=\"img\" aria-label=\"{Svg.Escape(label)} histogram\">"))
                    .Append(Svg.Format($"<rect x=\"0\" y=\"0\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"#fafafa\" stroke=\"#bbb\"/>"))
                    .Append(Svg.Format($"<line x1=\"{PanelWidth / 2}\" x2=\"{PanelWidth / 2}\" y1=\"0\" y2=\"{PanelHeight}\" stroke=\"#ddd\"/>"))
                    .Append(Svg.Format($"<path class=\"gf-bars\" fill=\"#3b6fb6\" d=\"{BarsPath(panel.Length == 0 ? [] : panel[0])}\"/>"))
                    .Append(Svg.Format($"<path class=\"gf-out\" fill=\"#c0392b\" d=\"{OutsidePath(panel.Length == 0 ? [] : panel[0])}\"/>"))
                    .Append(Svg.Format($"<text x=\"2\" y=\"{PanelHeight + 11}\" font-size=\"9\">−0.01</text><text x=\"{PanelWidth - 2}\" y=\"{PanelHeight + 11}\" font-size=\"9\" text-anchor=\"end\">0.01</text>"))
                    .Append("</svg></td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n</div>\n<script>\n").Append(AnimationScript).Append("</script>\n");
    }

    /// <summary>Step <paramref name="step"/>'s values in the heatmap's bins: 48 log-spaced bins over magnitudes 1e-12 … 10.</summary>
    internal static Histogram HeatmapHistogram(StateGradientSeries series, int step)
    {
        var histogram = new Histogram(HeatmapMinimum, HeatmapMaximum, HeatmapBins, HistogramScale.LogMagnitude);
        histogram.Add(series.StepValues(step));
        return histogram;
    }

    // Per step, ordered by distance from the loss (0 first): ArticleBins shares, then the shares below and above ±0.01.
    private static double[][] ArticleShares(StateGradientSeries series)
    {
        int steps = series.Norms.Count;
        var shares = new double[steps][];
        for (int distance = 0; distance < steps; distance++)
        {
            var histogram = new Histogram(-ArticleRange, ArticleRange, ArticleBins, HistogramScale.Linear);
            histogram.Add(series.StepValues(steps - 1 - distance));
            double total = Math.Max(1, histogram.Total);
            shares[distance] = [.. histogram.Counts.Select(count => count / total), histogram.Underflow / total, histogram.Overflow / total];
        }

        return shares;
    }

    private static string BarsPath(double[] shares)
    {
        var path = new StringBuilder();
        double barWidth = (double)PanelWidth / ArticleBins;
        for (int bin = 0; bin < Math.Min(ArticleBins, shares.Length); bin++)
        {
            double height = Math.Min(1, shares[bin]) * PanelHeight;
            if (height > 0)
            {
                path.Append(Svg.Format($"M{Svg.Number(bin * barWidth)} {Svg.Number(PanelHeight - height)}h{Svg.Number(barWidth)}v{Svg.Number(height)}h{Svg.Number(-barWidth)}z"));
            }
        }

        return path.ToString();
    }

    private static string OutsidePath(double[] shares)
    {
        if (shares.Length < ArticleBins + 2)
        {
            return "";
        }

        var path = new StringBuilder();
        foreach ((double share, double x) in new[] { (shares[ArticleBins], 0.0), (shares[ArticleBins + 1], PanelWidth - 3.0) })
        {
            double height = Math.Min(1, share) * PanelHeight;
            if (height > 0)
            {
                path.Append(Svg.Format($"M{Svg.Number(x)} {Svg.Number(PanelHeight - height)}h3v{Svg.Number(height)}h-3z"));
            }
        }

        return path.ToString();
    }

    // Reads each panel's data-shares and redraws its two paths for the chosen step; plays from the loss backwards.
    private const string AnimationScript = """
        (function () {
          "use strict";
          const W = 150, H = 70, BINS = 100;
          document.querySelectorAll(".gf-anim").forEach(function (root) {
            const steps = Number(root.dataset.steps);
            const slider = root.querySelector(".gf-step"), label = root.querySelector(".gf-label"), button = root.querySelector(".gf-play");
            const panels = Array.from(root.querySelectorAll(".gf-panel")).map(function (svg) {
              return { bars: svg.querySelector(".gf-bars"), out: svg.querySelector(".gf-out"),
                       data: svg.dataset.shares.split(";").map(function (step) { return step.split(",").map(Number); }) };
            });
            function draw(step) {
              panels.forEach(function (panel) {
                const shares = panel.data[Math.min(step, panel.data.length - 1)] || [];
                let bars = "", out = "";
                const w = W / BINS;
                for (let bin = 0; bin < BINS && bin < shares.length; bin++) {
                  const h = Math.min(1, shares[bin]) * H;
                  if (h > 0) { bars += "M" + (bin * w).toFixed(2) + " " + (H - h).toFixed(2) + "h" + w.toFixed(2) + "v" + h.toFixed(2) + "h" + (-w).toFixed(2) + "z"; }
                }
                [[shares[BINS], 0], [shares[BINS + 1], W - 3]].forEach(function (edge) {
                  const h = Math.min(1, edge[0] || 0) * H;
                  if (h > 0) { out += "M" + edge[1] + " " + (H - h).toFixed(2) + "h3v" + h.toFixed(2) + "h-3z"; }
                });
                panel.bars.setAttribute("d", bars);
                panel.out.setAttribute("d", out);
              });
              slider.value = String(step);
              label.textContent = String(step);
            }
            let step = 0, timer = null;
            function play() { timer = setInterval(function () { step = (step + 1) % steps; draw(step); }, 400); button.textContent = "Pause"; }
            function pause() { clearInterval(timer); timer = null; button.textContent = "Play"; }
            button.addEventListener("click", function () { if (timer === null) { play(); } else { pause(); } });
            slider.addEventListener("input", function () { pause(); step = Number(slider.value); draw(step); });
            draw(0);
            play();
          });
        })();

        """;

    private static string EpochLabel(GradientFlowSnapshot snapshot) => snapshot.Epoch is { } epoch ? Svg.Format($"{epoch}") : "–";
}
