using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LstmSharp.Cli;

/// <summary>Reads and writes durations the way people type them: <c>90s</c>, <c>2m</c>, <c>1h30m</c>, <c>1.5m</c> or <c>00:02:00</c>.</summary>
internal static partial class Durations
{
    /// <summary>System.CommandLine's parser for a duration option; a malformed value is a parse error (exit 2).</summary>
    public static TimeSpan? ParseArgument(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParse(text, out TimeSpan value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration for {(result.Parent as OptionResult)?.IdentifierToken?.Value ?? "the option"}: use for example 90s, 2m, 1h30m or 00:02:00.");
        return null;
    }

    /// <summary>Parses <c>[Nh][Nm][Ns]</c> (N may have a fraction) or a <see cref="TimeSpan"/> in invariant <c>c</c> format.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        Match match = UnitPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        double seconds = 0;
        foreach ((string group, double scale) in (ReadOnlySpan<(string, double)>)[("h", 3600), ("m", 60), ("s", 1)])
        {
            if (match.Groups[group].Success)
            {
                seconds += scale * double.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        if (!double.IsFinite(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>A short form: <c>45s</c>, <c>2m05s</c>, <c>1h02m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        return value.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours}h{value.Minutes:00}m")
            : value.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{value.Minutes}m{value.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.Seconds}s");
    }

    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPattern();
}
