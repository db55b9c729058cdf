using System.Globalization;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary>
/// Turns the exceptions a command expects (bad files, out-of-range values, corrupt checkpoints) into one line on
/// standard error and an exit code, with no stack trace; a closed output pipe ends the command quietly with exit code 0.
/// Anything else is a bug and propagates.
/// </summary>
internal static class ErrorReporter
{
    /// <summary>Runs <paramref name="body"/> and reports an expected failure.</summary>
    /// <param name="console">Where to write the message.</param>
    /// <param name="flags">Library parameter names (any case) mapped to the command-line flags that set them.</param>
    /// <param name="body">The command.</param>
    /// <returns>The command's exit code, or the failure's.</returns>
    public static int Run(CliConsole console, IReadOnlyDictionary<string, string> flags, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (IOException exception) when (StandardOutput.IsClosedPipe(exception))
        {
            // The reader of standard output has gone (| head): stop quietly, as a Unix tool does.
            return ExitCodes.Success;
        }
        catch (UsageException exception)
        {
            return Fail(console, exception.Message, ExitCodes.Usage);
        }
        catch (ArgumentOutOfRangeException exception) when (exception.ParamName is { } name && flags.ContainsKey(name))
        {
            return Fail(console, DescribeOutOfRange(exception, flags[name]), ExitCodes.Usage);
        }
        catch (ArgumentException exception)
        {
            // The library's data errors: a corpus too short for one window, characters a model does not know.
            return Fail(console, WithoutParameter(exception), ExitCodes.Failure);
        }
        catch (TrainingDivergedException exception)
        {
            return Fail(console, exception.Message, ExitCodes.Diverged);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // FileNotFoundException and DirectoryNotFoundException are IOExceptions.
            return Fail(console, exception.Message, ExitCodes.Failure);
        }
    }

    /// <summary>Writes <c>lstmsharp: message</c> as one line on standard error.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="message">The message; line breaks are folded into spaces.</param>
    /// <param name="exitCode">Returned as is.</param>
    /// <returns><paramref name="exitCode"/>.</returns>
    public static int Fail(CliConsole console, string message, int exitCode)
    {
        console.Error.WriteLine("lstmsharp: " + OneLine(message));
        console.Error.Flush();
        return exitCode;
    }

    /// <summary>"--temperature 0: The temperature must be positive and finite." from the library's exception.</summary>
    private static string DescribeOutOfRange(ArgumentOutOfRangeException exception, string flag)
    {
        string message = WithoutParameter(exception);
        string name = exception.ParamName!;
        if (message.Contains(name, StringComparison.Ordinal))
        {
            // "hiddenSize ('0') must be a non-negative and non-zero value." → "--hidden ('0') must be …"
            return message.Replace(name, flag, StringComparison.Ordinal);
        }

        string value = Convert.ToString(exception.ActualValue, CultureInfo.InvariantCulture) ?? "";
        return value.Length == 0 ? $"{flag}: {message}" : $"{flag} {value}: {message}";
    }

    /// <summary>The message without the " (Parameter 'x')" and "Actual value was y." that .NET appends.</summary>
    private static string WithoutParameter(ArgumentException exception)
    {
        string message = exception.Message;
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        if (exception is ArgumentOutOfRangeException { ActualValue: not null } && newline >= 0)
        {
            message = message[..newline].TrimEnd('\r');
        }

        string suffix = $" (Parameter '{exception.ParamName}')";
        return exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
