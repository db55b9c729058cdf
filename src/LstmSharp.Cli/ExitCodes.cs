namespace LstmSharp.Cli;

/// <summary>The process exit codes, as listed in the root command's help.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A file is missing, empty, not text, corrupt, or does not fit the model.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown option, a malformed or out-of-range value.</summary>
    public const int Usage = 2;

    /// <summary>Training diverged; the last good model was saved.</summary>
    public const int Diverged = 3;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
