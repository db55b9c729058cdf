using System.Globalization;
using System.Net;

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
}
