using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LstmSharp.Cli;

/// <summary>
/// Standard output as the commands write it, and how they learn that its reader has gone
/// (<c>lstmsharp sample | head -c 100</c>).
/// </summary>
/// <remarks>
/// .NET ignores SIGPIPE and its console stream drops writes that fail with EPIPE, so a program writing through
/// <see cref="Console.Out"/> into a closed pipe never learns of it and runs until killed. Redirected output is
/// therefore written to file descriptor 1 through a <see cref="FileStream"/>, where EPIPE surfaces as an
/// <see cref="IOException"/> that <see cref="IsClosedPipe"/> recognises: the command stops, and the process exits 0
/// with nothing on standard error, as <c>cat</c> or <c>seq</c> would. A terminal keeps <see cref="Console.Out"/>.
/// </remarks>
internal static class StandardOutput
{
    /// <summary>Characters buffered before a redirected write: large blocks for speed, small enough for a prompt <c>head</c>.</summary>
    private const int RedirectedBufferSize = 8192;

    private const int UnixBrokenPipe = 32;                      // EPIPE on Linux and macOS
    private const int WindowsBrokenPipe = unchecked((int)0x8007006D); // ERROR_BROKEN_PIPE
    private const int WindowsNoData = unchecked((int)0x800700E8);     // ERROR_NO_DATA: the pipe is being closed

    /// <summary>Characters a terminal write may hold and still go out in one piece.</summary>
    private const int TerminalBufferSize = 16384;

    /// <summary>The writer for standard output: flushed after every write on a terminal, else a block-buffered UTF-8 writer on descriptor 1.</summary>
    public static TextWriter Open()
    {
        if (!Console.IsOutputRedirected)
        {
            return new StreamWriter(Console.OpenStandardOutput(), Console.OutputEncoding, TerminalBufferSize) { AutoFlush = true };
        }

        Stream stream = OperatingSystem.IsWindows()
            ? Console.OpenStandardOutput()
            : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), RedirectedBufferSize) { AutoFlush = false };
    }

    /// <summary>Whether <paramref name="exception"/> says the output's reader has closed the pipe.</summary>
    public static bool IsClosedPipe(Exception exception) =>
        exception is IOException { HResult: var code } && (OperatingSystem.IsWindows() ? code is WindowsBrokenPipe or WindowsNoData : code == UnixBrokenPipe);
}
