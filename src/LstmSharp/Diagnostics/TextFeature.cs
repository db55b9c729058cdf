namespace LstmSharp.Diagnostics;

/// <summary>
/// A simple property of a text at each position, measured after reading the character there: what the unit search
/// (<see cref="ModelExplainer"/>) correlates each unit with. Reports name it ("inside quotes", …).
/// </summary>
public enum TextFeature
{
    /// <summary>1 from an opening <c>"</c> (inclusive) to its closing <c>"</c> (exclusive), else 0; a line break ends an unclosed quote.</summary>
    InsideQuotes,

    /// <summary>
    /// 1 while at least one <c>(</c> or <c>[</c> is open (the opening one inclusive, the closing one exclusive), else 0. Braces
    /// are left out: in code nearly everything lies inside some <c>{ }</c>, which <see cref="BracketDepth"/> counts.
    /// </summary>
    InsideParentheses,

    /// <summary>How many <c>(</c>, <c>[</c> and <c>{</c> are open (a closing one with none of any kind open is ignored).</summary>
    BracketDepth,

    /// <summary>The number of characters read since the last line break (0 right after one).</summary>
    PositionInLine,

    /// <summary>The number of spaces and tabs that start the current line (counted so far while still in them).</summary>
    Indentation,

    /// <summary>1 when the character just read is a line break, else 0.</summary>
    AfterNewline,
}
