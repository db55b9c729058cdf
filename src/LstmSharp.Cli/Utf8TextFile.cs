using System.Text;

namespace LstmSharp.Cli;

/// <summary>A small text file a command reads whole (a prime, a vocabulary): strict UTF-8, and an error that names the file and its role.</summary>
internal static class Utf8TextFile
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of <paramref name="path"/>, the <paramref name="role"/> file ("prime", "vocabulary").</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not UTF-8 text, or it is empty.</exception>
    public static string ReadNonEmpty(string path, string role)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {role} file '{path}' does not exist.", path);
        }

        string text;
        try
        {
            text = File.ReadAllText(path, Strict);
        }
        catch (DecoderFallbackException exception)
        {
            throw new InvalidDataException($"The {role} file '{path}' is not UTF-8 text.", exception);
        }

        return text.Length > 0 ? text : throw new InvalidDataException($"The {role} file '{path}' is empty.");
    }
}
