using System.CommandLine;

namespace LstmSharp.Cli;

/// <summary>
/// Options that several commands define alike, written once so that their flags, help and defaults cannot drift apart.
/// (<c>--task</c> and <c>--distance</c> are <see cref="TaskTraining"/>'s; <c>--threads</c> is <see cref="ThreadsOption"/>.)
/// </summary>
internal static class SharedOptions
{
    /// <summary><c>--model/-m FILE</c>, required: the one checkpoint that explain, export, info and score read.</summary>
    public static Option<string> Checkpoint() => new("--model", "-m") { Description = "The checkpoint.", HelpName = "FILE", Required = true };

    /// <summary><c>--out/-o FILE</c>: the HTML report of connectivity, explain and gradflow.</summary>
    public static Option<string> HtmlReport(string defaultPath) =>
        new("--out", "-o") { Description = "The HTML report.", HelpName = "FILE", DefaultValueFactory = _ => defaultPath };

    /// <summary><c>--cells LIST</c> (default <c>rnn,lstm</c>), read by <see cref="CellNames.ParseList"/>.</summary>
    public static Option<string> Cells(string description) =>
        new("--cells") { Description = description, HelpName = "LIST", DefaultValueFactory = _ => "rnn,lstm" };
}
