using System.Security.Cryptography;

namespace LstmSharp.Serialization;

/// <summary>
/// The whole-file SHA-256 stored under <see cref="SafeTensors.FileSha256Key"/>: the hash of every byte of the file
/// (length prefix, header with metadata and padding, data) with the checksum's own 64 hex digits read as '0'.
/// </summary>
internal static class FileChecksum
{
    public const int HexLength = 64;

    public static readonly string Placeholder = new('0', HexLength);

    /// <summary>The checksum of <paramref name="file"/> whose stored digits start at <paramref name="digitsAt"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> file, int digitsAt)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> zeros = stackalloc byte[HexLength];
        zeros.Fill((byte)'0');
        hash.AppendData(file[..digitsAt]);
        hash.AppendData(zeros);
        hash.AppendData(file[(digitsAt + HexLength)..]);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="digits"/> are 64 lowercase hex digits, the only form the writer produces.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> digits)
    {
        if (digits.Length != HexLength)
        {
            return false;
        }

        foreach (byte digit in digits)
        {
            if (digit is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }
}
