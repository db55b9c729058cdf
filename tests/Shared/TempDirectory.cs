namespace LstmSharp.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose (one helper for every test project).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("lstmsharp-tests-").FullName;
    }

    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="name"/>; returns its path.</summary>
    public string WriteText(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/>; returns its path.</summary>
    public string WriteBytes(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The names of the files and folders in the directory, in ordinal order.</summary>
    public string[] Entries() => [.. Directory.EnumerateFileSystemEntries(Path).Select(entry => System.IO.Path.GetFileName(entry)).Order(StringComparer.Ordinal)];

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
