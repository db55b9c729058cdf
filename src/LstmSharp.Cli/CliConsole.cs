namespace LstmSharp.Cli;

/// <summary>Where a command writes, what kind of terminal (if any) it writes to, and Ctrl+C.</summary>
/// <param name="Out">Results: generated text, scores, training progress.</param>
/// <param name="Error">One-line error messages and notes.</param>
/// <param name="IsTerminal">Whether <paramref name="Out"/> is an interactive terminal that understands escape codes.</param>
/// <param name="Cancellation">Cancelled when the user presses Ctrl+C.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsTerminal, CancellationToken Cancellation)
{
    /// <summary>Whether <see cref="Error"/> is an interactive terminal too.</summary>
    public bool ErrorIsTerminal { get; init; } = IsTerminal;

    /// <summary>Whether to colour: false under <c>NO_COLOR</c> (no-color.org) or <c>--no-color</c>.</summary>
    public bool Color { get; set; } = true;

    /// <summary>The terminal's current width in cells (read each time, so a resize takes effect).</summary>
    public Func<int> Width { get; init; } = () => 80;

    /// <summary>
    /// Whether a live display (a progress bar redrawn in place) may be shown: both output streams are terminals, so
    /// no log receives escape codes and no note on standard error lands in the middle of the bar.
    /// </summary>
    public bool IsLive => IsTerminal && ErrorIsTerminal;

    /// <summary>
    /// Writes a line of prose to <see cref="Out"/>: on a live terminal with control characters shown as symbols and
    /// broken at spaces to the width (never inside a number or path), elsewhere as one line.
    /// </summary>
    public void WriteProse(string line)
    {
        if (IsLive)
        {
            foreach (string row in VisibleText.Wrap(VisibleText.Escape(line, keepLineFeeds: false), Width()))
            {
                Out.WriteLine(row);
            }
        }
        else
        {
            Out.WriteLine(VisibleText.Escape(line, keepLineFeeds: false));
        }
    }
}
