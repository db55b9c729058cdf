using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>The values of each <see cref="TextFeature"/> along a text, and their names.</summary>
public static class TextFeatures
{
    /// <summary>Every feature, in declaration order.</summary>
    public static IReadOnlyList<TextFeature> All { get; } = Enum.GetValues<TextFeature>();

    /// <summary>A short name for reports: "inside quotes", "position in line", ….</summary>
    /// <param name="feature">The feature.</param>
    /// <returns>The name.</returns>
    public static string Describe(TextFeature feature) => feature switch
    {
        TextFeature.InsideQuotes => "inside quotes",
        TextFeature.InsideParentheses => "inside parentheses",
        TextFeature.BracketDepth => "bracket depth",
        TextFeature.PositionInLine => "position in line",
        TextFeature.Indentation => "indentation",
        TextFeature.AfterNewline => "after newline",
        _ => ThrowHelper.ThrowOutOfRange<string>(nameof(feature), feature, "Unknown feature."),
    };

    /// <summary>A snake_case key for JSON: "inside_quotes", "position_in_line", ….</summary>
    /// <param name="feature">The feature.</param>
    /// <returns>The key.</returns>
    public static string Key(TextFeature feature) => Describe(feature).Replace(' ', '_');

    /// <summary>The feature's value after reading each character of <paramref name="text"/>.</summary>
    /// <param name="feature">The feature.</param>
    /// <param name="text">The text, one entry per character (as the model reads it).</param>
    /// <returns>(N): one value per character.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="feature"/> is not defined.</exception>
    public static double[] Compute(TextFeature feature, IReadOnlyList<Rune> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowHelper.CheckDefined(feature, "Unknown feature.");

        var values = new double[text.Count];
        bool inQuote = false, inLeadingSpace = true;
        int depth = 0, parentheses = 0, column = 0, indentation = 0;
        for (int position = 0; position < text.Count; position++)
        {
            int character = text[position].Value;
            bool newline = character == '\n';
            if (newline)
            {
                inQuote = false;
                column = 0;
                indentation = 0;
                inLeadingSpace = true;
            }
            else
            {
                column++;
                if (inLeadingSpace && (character == ' ' || character == '\t'))
                {
                    indentation++;
                }
                else
                {
                    inLeadingSpace = false;
                }
            }

            // Read after the update, the opening quote or bracket counts as inside and the closing one as outside.
            if (character == '"')
            {
                inQuote = !inQuote;
            }

            if (character is '(' or '[' or '{')
            {
                depth++;
                parentheses += character == '{' ? 0 : 1;
            }
            else if (character is ')' or ']' or '}' && depth > 0)
            {
                depth--;
                parentheses -= character != '}' && parentheses > 0 ? 1 : 0;
            }

            values[position] = feature switch
            {
                TextFeature.InsideQuotes => inQuote ? 1 : 0,
                TextFeature.InsideParentheses => parentheses > 0 ? 1 : 0,
                TextFeature.BracketDepth => depth,
                TextFeature.PositionInLine => column,
                TextFeature.Indentation => indentation,
                _ => newline ? 1 : 0,
            };
        }

        return values;
    }
}
