using System.Globalization;
using System.Net;
using System.Text;

namespace LstmSharp.Cli.Reports;

/// <summary>Small helpers for writing SVG and HTML by hand: invariant numbers and escaping.</summary>
internal static class Svg
{
    /// <summary>A number in invariant culture with at most three decimals.</summary>
    public static string Number(double value) => Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Text escaped for an HTML or SVG text node or attribute.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>An invariant-culture format.</summary>
    public static string Format(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>Writes a standalone SVG file atomically: the XML declaration, then <paramref name="svg"/> (an element with its namespace).</summary>
    public static void WriteFile(string path, string svg) => HtmlPage.WriteAtomically(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg);

    /// <summary>An SVG element of <paramref name="width"/> × <paramref name="height"/> on a white ground around <paramref name="body"/> (nested plots).</summary>
    public static string Document(int width, int height, StringBuilder body) =>
        new StringBuilder(Format($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"))
            .Append(body).Append("</svg>\n").ToString();
}
