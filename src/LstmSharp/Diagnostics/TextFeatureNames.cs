namespace LstmSharp.Diagnostics;

/// <summary>
/// The short names of the <see cref="TextFeature"/>s for reports ("inside quotes", "position in line", …): the unit
/// traces' reasons use them, and the CLI compiles this file too, so its explain reports name features the same way.
/// </summary>
internal static class TextFeatureNames
{
    /// <summary>The feature's name; throws <see cref="ArgumentOutOfRangeException"/> when it is not defined.</summary>
    public static string Of(TextFeature feature) => feature switch
    {
        TextFeature.InsideQuotes => "inside quotes",
        TextFeature.InsideParentheses => "inside parentheses",
        TextFeature.BracketDepth => "bracket depth",
        TextFeature.PositionInLine => "position in line",
        TextFeature.Indentation => "indentation",
        TextFeature.AfterNewline => "after newline",
        _ => ThrowHelper.ThrowOutOfRange<string>(nameof(feature), feature, "Unknown feature."),
    };
}
