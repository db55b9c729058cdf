namespace LstmSharp.Cli.Reports;

/// <summary>
/// The colours of the reports: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies) for
/// series, and a light-to-dark viridis ramp for heatmaps.
/// </summary>
internal static class ReportColors
{
    /// <summary>Series colours: vermillion, blue, bluish green, reddish purple, orange, sky blue.</summary>
    public static readonly string[] Series = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

    /// <summary>Connectivity's cold end (Okabe–Ito blue), as an RGB triple.</summary>
    public const string ColdRgb = "0,114,178";

    /// <summary>Connectivity's hot end (Okabe–Ito vermillion), as an RGB triple.</summary>
    public const string HotRgb = "213,94,0";

    /// <summary>The predicted character's highlight (Okabe–Ito bluish green).</summary>
    public const string Predicted = "#009E73";

    // Viridis at 0, 0.25, 0.5, 0.75, 1 (dark purple → yellow).
    private static readonly (double R, double G, double B)[] Viridis =
    [
        (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    ];

    /// <summary>Viridis reversed: <paramref name="value"/> 0 is light yellow and 1 dark purple, so that dense bins stand out on white.</summary>
    public static (byte R, byte G, byte B) Heat(double value)
    {
        double position = (1 - Math.Clamp(value, 0, 1)) * (Viridis.Length - 1);
        int index = Math.Min((int)position, Viridis.Length - 2);
        double fraction = position - index;
        (double r0, double g0, double b0) = Viridis[index];
        (double r1, double g1, double b1) = Viridis[index + 1];
        return ((byte)Math.Round(r0 + (r1 - r0) * fraction), (byte)Math.Round(g0 + (g1 - g0) * fraction), (byte)Math.Round(b0 + (b1 - b0) * fraction));
    }

    /// <summary>The article's connectivity scale: ≤ 0.5 blue with opacity = value, above red with opacity = value − 0.5.</summary>
    public static string Connectivity(double value)
    {
        value = Math.Clamp(value, 0, 1);
        return value <= 0.5
            ? $"rgba({ColdRgb},{Svg.Number(value)})"
            : $"rgba({HotRgb},{Svg.Number(value - 0.5)})";
    }
}
