namespace LstmSharp.Cli;

/// <summary>The corpus files that <c>train</c>'s arguments name: files as given, folders expanded.</summary>
internal static class CorpusFiles
{
    /// <summary>
    /// Expands files and folders into the list of files to read, in a stable order: the arguments in the order given;
    /// a folder as every file under it (recursively) whose name matches <paramref name="searchPattern"/>, sorted by
    /// its path relative to the folder in ordinal (byte) order, the same on every machine. Hidden files and folders
    /// (a name starting with '.') are skipped.
    /// </summary>
    /// <param name="inputs">Files and folders.</param>
    /// <param name="searchPattern">A file-name pattern with <c>*</c> and <c>?</c>, for folders only. Default <c>*.txt</c>.</param>
    /// <returns>The files.</returns>
    /// <exception cref="FileNotFoundException">An input is neither a file nor a folder.</exception>
    /// <exception cref="InvalidDataException">A folder holds no matching file.</exception>
    public static IReadOnlyList<string> Find(IEnumerable<string> inputs, string searchPattern = "*.txt")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrEmpty(searchPattern);
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (File.Exists(input))
            {
                files.Add(input);
                continue;
            }

            if (!Directory.Exists(input))
            {
                throw new FileNotFoundException($"The corpus input '{input}' does not exist (as a file or a folder).", input);
            }

            var options = new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseSensitive, IgnoreInaccessible = false };
            string[] found =
            [
                .. Directory.EnumerateFiles(input, searchPattern, options)
                    .Where(file => !Path.GetRelativePath(input, file).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                    .OrderBy(file => Path.GetRelativePath(input, file).Replace(Path.DirectorySeparatorChar, '/'), StringComparer.Ordinal),
            ];
            if (found.Length == 0)
            {
                throw new InvalidDataException($"The folder '{input}' holds no file matching '{searchPattern}'.");
            }

            files.AddRange(found);
        }

        return files;
    }
}
