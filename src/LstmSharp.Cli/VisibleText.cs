using System.Globalization;
using System.Text;
using Spectre.Console.Rendering;

namespace LstmSharp.Cli;

/// <summary>
/// Makes text a model wrote safe to show on a terminal, and cuts it into rows that fit its width. A model's output can
/// hold anything its corpus held: tabs, carriage returns, escape sequences, bidirectional overrides. Written raw, they
/// move the cursor, recolour or clear the screen and break the live display's count of rows; shown as symbols, they
/// stay visible and one cell wide.
/// </summary>
internal static class VisibleText
{
    /// <summary>Marks the end of a row that continues on the next one (a folded line, not a line break of the text).</summary>
    public const char Continued = '↩';

    /// <summary>
    /// The text with every control and invisible formatting character replaced by a visible symbol: C0 controls by
    /// their Control Pictures (tab ␉, carriage return ␍, escape ␛), DEL by ␡, C1 controls, bidirectional controls,
    /// the zero-width space, the byte-order mark and line/paragraph separators by ‹U+XXXX›. With <paramref name="unicode"/> false, caret
    /// notation (^I, ^M, ^[, ^?) and &lt;U+XXXX&gt;. Line feeds are kept unless <paramref name="keepLineFeeds"/> is false.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="unicode">Whether the terminal shows Unicode symbols.</param>
    /// <param name="keepLineFeeds">Whether '\n' passes through (to be split into rows by the caller).</param>
    /// <param name="keepTabs">Whether '\t' passes through (where nothing counts columns, as in <c>lstmsharp sample</c>).</param>
    public static string Escape(string text, bool unicode = true, bool keepLineFeeds = true, bool keepTabs = false)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first], keepLineFeeds, keepTabs))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c, keepLineFeeds, keepTabs))
            {
                builder.Append(c);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                if (unicode)
                {
                    builder.Append(c == 0x7F ? '\u2421' : (char)(0x2400 + c));
                }
                else
                {
                    builder.Append('^').Append((char)(c ^ 0x40));
                }
            }
            else
            {
                builder.Append(unicode ? "‹U+" : "<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append(unicode ? '›' : '>');
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Cuts one line (no line feeds) into rows of at most <paramref name="width"/> cells, each row but the last ending
    /// in <see cref="Continued"/>. Wide characters (CJK, emoji) count two cells and are never split.
    /// </summary>
    /// <param name="line">The line, already <see cref="Escape"/>d.</param>
    /// <param name="width">The terminal's width in cells; at least 2.</param>
    public static List<string> Fold(string line, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        var rows = new List<string>();
        if (Cells(line) <= width)
        {
            rows.Add(line);
            return rows;
        }

        var row = new StringBuilder();
        int cells = 0;
        int room = width - 1;
        foreach (string element in TextElements(line))
        {
            int elementCells = Cells(element);
            if (cells + elementCells > room && cells > 0)
            {
                rows.Add(row.Append(Continued).ToString());
                row.Clear();
                cells = 0;
            }

            row.Append(element);
            cells += elementCells;
        }

        rows.Add(row.ToString());
        return rows;
    }

    /// <summary>
    /// Breaks prose into rows of at most <paramref name="width"/> cells at spaces, so no number, path or word is cut.
    /// A single word longer than the width stays whole on its own row (the terminal wraps it softly, so it still
    /// copies as one piece).
    /// </summary>
    public static List<string> Wrap(string text, int width)
    {
        var rows = new List<string>();
        var row = new StringBuilder();
        int cells = 0;
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int wordCells = Cells(word);
            if (cells > 0 && cells + 1 + wordCells > width)
            {
                rows.Add(row.ToString());
                row.Clear();
                cells = 0;
            }

            if (cells > 0)
            {
                row.Append(' ');
                cells++;
            }

            row.Append(word);
            cells += wordCells;
        }

        rows.Add(row.ToString());
        return rows;
    }

    /// <summary>The terminal cells <paramref name="text"/> takes (wide characters count two).</summary>
    public static int Cells(string text) => new Segment(text).CellCount();

    private static IEnumerable<string> TextElements(string text)
    {
        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            yield return elements.GetTextElement();
        }
    }

    private static bool NeedsEscape(char c, bool keepLineFeeds, bool keepTabs) => c switch
    {
        '\n' => !keepLineFeeds,
        '\t' => !keepTabs,
        < ' ' or '\u007F' => true,
        >= '\u0080' and <= '\u009F' => true,
        // zero-width space, LRM/RLM, line and paragraph separators, bidirectional embeddings and isolates, BOM
        // (not the zero-width joiners, which scripts and emoji need)
        '\u200B' or '\u200E' or '\u200F' or '\u2028' or '\u2029' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\uFEFF' => true,
        _ => false,
    };
}
