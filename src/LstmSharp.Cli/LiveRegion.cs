using Spectre.Console;
using Spectre.Console.Rendering;

namespace LstmSharp.Cli;

/// <summary>
/// The bottom row of a terminal, owned by a live status (a Spectre.Console progress bar and a line of text), with
/// whole lines printed above it.
/// </summary>
/// <remarks>
/// <para>Why not Spectre's <c>Progress</c> display: its renderer moves the cursor back over the old live rows and
/// writes new lines on top of them without erasing, so any line shorter than the bar row it lands on keeps the tail of
/// the bar (the second row of every multi-line sample did); on any shrink of the window it erases the whole screen and
/// the scrollback (ED 2, ED 3), losing every sample; and it leaves the cursor at the end of the live rows, so a
/// terminal that reflows on resize (tmux, VTE, Windows Terminal) leaves pieces of the old bar above the new one. Its
/// renderer is internal, so none of this can be fixed from outside. This class draws Spectre's own
/// <see cref="ProgressBarColumn"/> and text through Spectre's console (colour system, NO_COLOR, Unicode detection),
/// and owns only the cursor.</para>
/// <para>The invariant: between calls, the cursor sits at column 1 of the live row, and everything from there to
/// the end of the screen is the live row. Each redraw starts with CR and ED 0 (erase to the end of the screen), so
/// it erases the old row whether the terminal truncated or reflowed it on a resize, and every line printed above
/// starts on an erased row. The live row is drawn with auto-wrap off (DECAWM), so it never wraps even when the width
/// read is already stale, and it is written in one piece (<see cref="Flush"/>). Rows are cut to the width before
/// they are written, so the terminal does not wrap them either.</para>
/// </remarks>
internal sealed class LiveRegion
{
    private const string EraseDown = "\r\u001b[J";
    private const string AutoWrapOff = "\u001b[?7l";
    private const string AutoWrapOn = "\u001b[?7h";
    private const double BarMax = 1000;

    private readonly IAnsiConsole _ansi;
    private readonly System.Text.StringBuilder _pending = new();
    private readonly TextWriter _out;
    private readonly Func<int> _width;
    private readonly bool _color;
    private readonly object _lock = new();
    private readonly ProgressTask _task = new(0, "training", BarMax, autoStart: false);
    private double _fraction;
    private Func<int, string> _describe = _ => "";
    private bool _active;

    /// <param name="output">The terminal.</param>
    /// <param name="color">Whether to colour (false for NO_COLOR and --no-color).</param>
    /// <param name="width">The terminal's current width in cells (read at every redraw, so a resize takes effect).</param>
    public LiveRegion(TextWriter output, bool color, Func<int> width)
    {
        _out = output;
        _width = width;
        _color = color;
        _ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            // Spectre renders into a buffer that Flush writes in one piece (see Flush).
            Out = new AnsiConsoleOutput(new StringWriter(_pending, System.Globalization.CultureInfo.InvariantCulture)),
        });
        // Rows are cut to the real width here; Spectre must never wrap them by a width of its own.
        _ansi.Profile.Width = 4096;
        _ansi.Profile.Capabilities.Unicode = output.Encoding.CodePage is 65001 or 1200 or 1201 or 12000 or 12001;
    }

    /// <summary>Whether the terminal shows Unicode (else control characters and the bar are drawn in ASCII).</summary>
    public bool Unicode => _ansi.Profile.Capabilities.Unicode;

    /// <summary>The terminal's width in cells (at least 20).</summary>
    public int Width => Math.Max(20, _width());

    /// <summary>Hides the cursor and draws the first status.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _active = true;
            _ansi.Cursor.Hide();
            AppDomain.CurrentDomain.ProcessExit += ShowCursor;
            DrawLocked();
        }
    }

    /// <summary>Redraws the live row.</summary>
    /// <param name="fraction">How far along, in [0, 1].</param>
    /// <param name="describe">The status text for a number of cells (the room beside the bar).</param>
    public void Update(double fraction, Func<int, string> describe)
    {
        lock (_lock)
        {
            _fraction = fraction;
            _describe = describe;
            if (_active)
            {
                DrawLocked();
            }
        }
    }

    /// <summary>Prints rows above the live row; each must already be escaped and fit <see cref="Width"/>.</summary>
    public void WriteAbove(IEnumerable<(string Text, Style Style)> rows)
    {
        lock (_lock)
        {
            if (_active)
            {
                _ansi.Write(new ControlCode(EraseDown));
            }

            foreach ((string text, Style style) in rows)
            {
                // NO_COLOR and --no-color: no bold or dim either, so the output holds no SGR at all.
                _ansi.Write(new Spectre.Console.Text(text, _color ? style : Style.Plain));
                _ansi.WriteLine();
            }

            if (_active)
            {
                DrawLocked();
            }
            else
            {
                Flush();
            }
        }
    }

    /// <summary>
    /// Leaves the last status as an ordinary line and the cursor below it, shown again: whatever is printed next
    /// (what was saved, how to resume) is never overwritten.
    /// </summary>
    public void Stop()
    {
        lock (_lock)
        {
            if (!_active)
            {
                return;
            }

            DrawLocked();
            _ansi.WriteLine();
            _active = false;
            ShowCursor(null, EventArgs.Empty);
            AppDomain.CurrentDomain.ProcessExit -= ShowCursor;
        }
    }

    private void DrawLocked()
    {
        int width = Width;
        // The bar takes a fifth of a narrow terminal and 20 cells of a wide one; then " 100% " and the status.
        int barWidth = Math.Clamp(width / 5, 4, 20);
        int room = width - barWidth - 6 - 1;
        _task.Value = _fraction * BarMax;
        var bar = new ProgressBarColumn { Width = barWidth };
        string status = _describe(room);
        // Auto-wrap is off while the row is drawn: should the width be stale (a resize that .NET has not seen yet), the
        // row is clipped at the right margin instead of wrapping, so the CR below still returns to its first column.
        _ansi.Write(new ControlCode(EraseDown + AutoWrapOff));
        _ansi.Write(bar.Render(RenderOptions.Create(_ansi), _task, TimeSpan.Zero));
        _ansi.Write(new Spectre.Console.Text(FormattableString.Invariant($" {_fraction * 100,3:F0}% ") + status));
        // Back to column 1 of the live row: the invariant every redraw relies on.
        _ansi.Write(new ControlCode(AutoWrapOn + "\r"));
        Flush();
    }

    /// <summary>
    /// Writes what Spectre rendered in one write (one write(2) on a terminal, see <see cref="StandardOutput"/>), so
    /// the terminal never handles a resize between the text of the live row and the CR that returns to its start: a
    /// terminal that reflows moves the cursor with the text, and a cursor caught at the end of a reflowed row would
    /// make the next erase start one row too low, leaving the head of the old bar behind.
    /// </summary>
    private void Flush()
    {
        _out.Write(_pending.ToString());
        _pending.Clear();
        _out.Flush();
    }

    private void ShowCursor(object? sender, EventArgs e)
    {
        lock (_lock)
        {
            _ansi.Write(new ControlCode(AutoWrapOn));
            _ansi.Cursor.Show();
            Flush();
        }
    }
}
