namespace LstmSharp.Cli.Reports;

/// <summary>
/// Writes a report so that a reader never sees half of one: into a uniquely named temporary file beside the target,
/// flushed to disk, then renamed over it; on failure the temporary file is deleted and the target is untouched.
/// </summary>
/// <remarks>
/// The library's own atomic writer (for checkpoints) is internal to it, and the CLI works through the public API only;
/// a report can be written again, so this one leaves out the checkpoint writer's directory flush and stale-file sweep.
/// </remarks>
internal static class ReportFile
{
    public static void Write(string path, Action<Stream> writeContent)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ThrowHelper.ThrowArgument<string>($"'{path}' names no file.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
