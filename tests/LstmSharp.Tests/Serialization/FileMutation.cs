using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace LstmSharp.Tests.Serialization;

/// <summary>One way of damaging a safetensors file's bytes. Positions are taken modulo the file's length.</summary>
public abstract record FileMutation
{
    /// <summary>Returns a damaged copy of <paramref name="file"/>.</summary>
    public abstract byte[] Apply(byte[] file);
}

/// <summary>Flips one bit anywhere in the file.</summary>
public sealed record FlipBit(int Position) : FileMutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] file)
    {
        byte[] result = [.. file];
        if (result.Length > 0)
        {
            int bit = Position % (result.Length * 8);
            result[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        return result;
    }
}

/// <summary>Overwrites a run of bytes (clipped at the end of the file).</summary>
public sealed record OverwriteBytes(int Position, byte[] Bytes) : FileMutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] file)
    {
        byte[] result = [.. file];
        if (result.Length > 0)
        {
            int start = Position % result.Length;
            Bytes.AsSpan(0, Math.Min(Bytes.Length, result.Length - start)).CopyTo(result.AsSpan(start));
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"OverwriteBytes({Position}, {Convert.ToHexString(Bytes)})";
}

/// <summary>Cuts the file short.</summary>
public sealed record Truncate(int Length) : FileMutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] file) => file.Length == 0 ? file : file[..(Length % file.Length)];
}

/// <summary>Appends bytes.</summary>
public sealed record AppendBytes(byte[] Bytes) : FileMutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] file) => [.. file, .. Bytes];

    /// <inheritdoc/>
    public override string ToString() => $"AppendBytes({Convert.ToHexString(Bytes)})";
}

/// <summary>Replaces the 8-byte header length with any value, huge ones included.</summary>
public sealed record SetHeaderLength(ulong Length) : FileMutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] file)
    {
        byte[] result = [.. file];
        if (result.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(result, Length);
        }

        return result;
    }
}

/// <summary>
/// Edits the header as text and writes it back with a correct length, so the damage reaches the JSON and layout checks:
/// the <see cref="Index"/>-th number, string or character gets <see cref="Text"/>.
/// </summary>
public sealed partial record EditHeader(HeaderEditKind Kind, int Index, string Text) : FileMutation
{
    /// <inheritdoc/>
    public override byte[] Apply(byte[] file)
    {
        if (file.Length < 8)
        {
            return file;
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > (ulong)(file.Length - 8))
        {
            return file;
        }

        string header = Encoding.UTF8.GetString(file, 8, (int)length);
        string edited = Kind switch
        {
            HeaderEditKind.ReplaceNumber => ReplaceMatch(NumberPattern(), header),
            HeaderEditKind.ReplaceString => ReplaceMatch(StringPattern(), header),
            HeaderEditKind.Insert => header.Insert(Index % (header.Length + 1), Text),
            _ => header.Length == 0 ? header : header.Remove(Index % header.Length, Math.Min(Text.Length + 1, header.Length - Index % header.Length)),
        };
        return SafeTensorsTestFiles.Build(edited, file.AsSpan(8 + (int)length));
    }

    private string ReplaceMatch(Regex pattern, string header)
    {
        MatchCollection matches = pattern.Matches(header);
        if (matches.Count == 0)
        {
            return header;
        }

        Match match = matches[Index % matches.Count];
        return string.Concat(header.AsSpan(0, match.Index), Text, header.AsSpan(match.Index + match.Length));
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][+-]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringPattern();
}

/// <summary>What <see cref="EditHeader"/> does.</summary>
public enum HeaderEditKind
{
    /// <summary>Replace the Index-th number token.</summary>
    ReplaceNumber,

    /// <summary>Replace the Index-th string token (keys included).</summary>
    ReplaceString,

    /// <summary>Insert text at a position.</summary>
    Insert,

    /// <summary>Delete characters at a position.</summary>
    Delete,
}
