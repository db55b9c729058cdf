using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>The values of the <see cref="TextFeature"/>s along a text (their names are <see cref="TextFeatureNames"/>).</summary>
internal static class TextFeatures
{
    /// <summary>Every feature, in declaration order.</summary>
    internal static IReadOnlyList<TextFeature> All { get; } = Enum.GetValues<TextFeature>();

    /// <summary>The feature's value after reading each character of <paramref name="text"/>.</summary>
    internal static double[] Compute(TextFeature feature, IReadOnlyList<Rune> text)
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
