using System.Globalization;
using System.Text;
using Spectre.Console.Rendering;

namespace LstmSharp.Cli.Tests;

/// <summary>
/// A small VT100 screen for tests: it replays what the live display wrote (printable text, CR, LF, cursor up/down,
/// erase in line and display, SGR colours, cursor show/hide, auto-wrap on/off) into rows of a fixed width, with auto-wrap as xterm and
/// tmux do it, and records every soft wrap and every sequence it does not know. The scrollback is unbounded, so the
/// screen is the whole history, as <c>tmux capture-pane -S -</c> shows it.
/// </summary>
internal sealed class VirtualTerminal(int width)
{
    private readonly List<StringBuilder> _rows = [new()];
    private readonly List<bool> _wrapped = [false];
    private int _row;
    private int _column;
    private bool _pendingWrap;
    private bool _autoWrap = true;

    public int Width { get; } = width;

    /// <summary>Rows that the terminal wrapped because text ran past the width (a line "longer than the width").</summary>
    public int SoftWraps { get; private set; }

    /// <summary>Escape sequences this screen does not implement, or that clear the screen or the scrollback.</summary>
    public List<string> Unexpected { get; } = [];

    /// <summary>The rows, trailing spaces trimmed, soft-wrapped rows joined to the row they continue (as <c>capture-pane -J</c>).</summary>
    public List<string> Lines()
    {
        var lines = new List<string>();
        for (int i = 0; i < _rows.Count; i++)
        {
            string row = _rows[i].ToString().TrimEnd();
            if (i > 0 && _wrapped[i])
            {
                lines[^1] += row;
            }
            else
            {
                lines.Add(row);
            }
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    public void Write(string output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            char c = output[i];
            switch (c)
            {
                case '\n':
                    // The tty's ONLCR turns LF into CR LF.
                    LineFeed(soft: false);
                    _column = 0;
                    break;
                case '\r':
                    _column = 0;
                    _pendingWrap = false;
                    break;
                case '\u001b':
                    i = Escape(output, i);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < output.Length)
                    {
                        Print(output.Substring(i, 2));
                        i++;
                    }
                    else if (c < ' ' || c == '\u007f')
                    {
                        Unexpected.Add($"raw control U+{(int)c:X4}");
                    }
                    else
                    {
                        Print(c.ToString());
                    }

                    break;
            }
        }
    }

    private void Print(string text)
    {
        int cells = new Segment(text).CellCount();
        if (!_autoWrap && (_pendingWrap || _column + cells > Width))
        {
            // DECAWM off: text at the right margin overwrites the last column.
            _column = Width - cells;
            _pendingWrap = false;
        }
        else if (_pendingWrap || _column + cells > Width)
        {
            LineFeed(soft: true);
            _column = 0;
        }

        StringBuilder row = _rows[_row];
        while (row.Length < _column)
        {
            row.Append(' ');
        }

        // Cells and chars coincide for the text these tests print except wide characters, which take two.
        int end = Math.Min(row.Length, _column + text.Length);
        row.Remove(_column, end - _column).Insert(_column, text);
        _column += cells;
        if (_column >= Width)
        {
            _column = Width - 1;
            _pendingWrap = true;
        }
    }

    private void LineFeed(bool soft)
    {
        _pendingWrap = false;
        _row++;
        if (_row == _rows.Count)
        {
            _rows.Add(new StringBuilder());
            _wrapped.Add(false);
        }

        if (soft)
        {
            SoftWraps++;
            _wrapped[_row] = true;
        }
    }

    /// <summary>Applies the CSI sequence at <paramref name="start"/>; returns the index of its last character.</summary>
    private int Escape(string output, int start)
    {
        if (start + 1 >= output.Length || output[start + 1] != '[')
        {
            Unexpected.Add("ESC not followed by [");
            return start;
        }

        int end = start + 2;
        while (end < output.Length && output[end] is >= '0' and <= '?' or ';')
        {
            end++;
        }

        string parameters = output[(start + 2)..end];
        char final = end < output.Length ? output[end] : '\0';
        int n = int.TryParse(parameters, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;
        switch (final)
        {
            case 'A':
                _row = Math.Max(0, _row - Math.Max(1, n));
                _pendingWrap = false;
                break;
            case 'B':
                _row += Math.Max(1, n);
                while (_row >= _rows.Count)
                {
                    _rows.Add(new StringBuilder());
                    _wrapped.Add(false);
                }

                _pendingWrap = false;
                break;
            case 'K' when n is 0 or 2:
                StringBuilder row = _rows[_row];
                if (n == 2)
                {
                    row.Clear();
                }
                else if (row.Length > _column)
                {
                    row.Length = _column;
                }

                break;
            case 'J' when n == 0:
                if (_rows[_row].Length > _column)
                {
                    _rows[_row].Length = _column;
                }

                for (int i = _row + 1; i < _rows.Count; i++)
                {
                    _rows[i].Clear();
                    _wrapped[i] = false;
                }

                break;
            case 'm':
                break;
            case 'l' or 'h' when parameters == "?25":
                break;
            case 'l' or 'h' when parameters == "?7":
                _autoWrap = final == 'h';
                break;
            default:
                Unexpected.Add($"CSI {parameters}{final}");
                break;
        }

        return end;
    }
}
