using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LstmSharp.Serialization;

/// <summary>Replaces a file so that a crash or failure at any point leaves either the old file or the new one, never a mixture.</summary>
/// <remarks>
/// The temporary file is <c>.{name}.{pid}.{random}.tmp</c> beside the target. A process killed mid-write leaves its
/// temporary file behind; the next write into the same directory deletes the ones whose process is no longer running,
/// and never one of a live process (another writer saving the same path at this moment). A reused process id only
/// keeps a stale file until that process ends.
/// </remarks>
internal static partial class AtomicFile
{
    private const string TemporarySuffix = ".tmp";
    private const int OpenReadOnly = 0;     // O_RDONLY
    private const int ErrnoInvalid = 22;    // EINVAL

    /// <summary>
    /// Runs <paramref name="writeContent"/> into a uniquely named temporary file beside <paramref name="path"/>, flushes it
    /// to disk, moves it over <paramref name="path"/> and flushes the directory, so the rename itself survives a power
    /// loss. On any failure the temporary file is deleted and the exception propagates; <paramref name="path"/> is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ThrowHelper.ThrowArgument<string>($"'{path}' names no file.", nameof(path));
        RemoveStaleTemporaryFiles(directory);
        string tempPath = Path.Combine(directory, TemporaryName(Path.GetFileName(fullPath), Environment.ProcessId, Guid.NewGuid()));
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

        FlushDirectory(directory);
    }

    /// <summary>The temporary file a process writes before renaming it to <paramref name="name"/>.</summary>
    internal static string TemporaryName(string name, int processId, Guid unique) =>
        string.Create(CultureInfo.InvariantCulture, $".{name}.{processId}.{unique:N}{TemporarySuffix}");

    /// <summary>
    /// Deletes the temporary files that writers no longer running left in <paramref name="directory"/> (for any target,
    /// so a best-model file that is not saved again does not keep a killed writer's leftovers forever).
    /// </summary>
    internal static void RemoveStaleTemporaryFiles(string directory)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, "*" + TemporarySuffix);
        }
        catch (IOException)
        {
            return;   // housekeeping never stops a save
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        foreach (string candidate in candidates)
        {
            if (TryParseWriter(Path.GetFileName(candidate), out int processId) && !IsRunning(processId))
            {
                TryDelete(candidate);
            }
        }
    }

    /// <summary>The writer's process id from ".{name}.{pid}.{32 hex digits}.tmp"; anything else (a user's file, the format before the pid) is not ours to delete.</summary>
    internal static bool TryParseWriter(string fileName, out int processId)
    {
        processId = 0;
        if (!fileName.StartsWith('.') || !fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = fileName[1..^TemporarySuffix.Length].Split('.');
        return parts.Length >= 3 && parts[^2].Length > 0 &&
               parts[^1].Length == 32 && parts[^1].All(char.IsAsciiHexDigitLower) &&
               int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out processId) && processId > 0;
    }

    private static bool IsRunning(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;   // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true;    // exists but cannot be inspected: treat as live
        }
    }

    /// <summary>fsync on the directory, so the rename is on disk; Windows has no such call (NTFS journals its metadata).</summary>
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = Open(directory, OpenReadOnly);   // a directory opens read-only on Linux and macOS
        if (descriptor < 0)
        {
            throw new IOException($"Could not open the directory '{directory}' to flush it to disk (errno {Marshal.GetLastPInvokeError()}); the checkpoint was written but its rename may not survive a power loss.");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                // EINVAL: the file system cannot sync directories (some network and virtual ones); nothing more to do.
                if (error != ErrnoInvalid)
                {
                    throw new IOException($"Flushing the directory '{directory}' to disk failed (errno {error}); the checkpoint was written but its rename may not survive a power loss.");
                }
            }
        }
        finally
        {
            _ = Close(descriptor);
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
