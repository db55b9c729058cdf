namespace LstmSharp.Serialization;

/// <summary>Replaces a file so that a crash or failure at any point leaves either the old file or the new one, never a mixture.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="writeContent"/> into a uniquely named temporary file beside <paramref name="path"/>, flushes it
    /// to disk, then moves it over <paramref name="path"/>. On any failure the temporary file is deleted and the exception
    /// propagates; <paramref name="path"/> is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);   // the bytes reach the disk before the rename can
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
