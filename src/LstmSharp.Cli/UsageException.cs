namespace LstmSharp.Cli;

/// <summary>A command line that parses but makes no sense (for example two options that exclude each other): exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
