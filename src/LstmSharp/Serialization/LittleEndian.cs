using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LstmSharp.Serialization;

/// <summary>Copies element spans to and from the file's little-endian bytes, on hosts of either byte order.</summary>
internal static class LittleEndian
{
    /// <summary>Effectively computes <c>destination[i·s … i·s+s) = bytes of source[i]</c>, little-endian, s = sizeof(T).</summary>
    public static void ToBytes<T>(ReadOnlySpan<T> source, Span<byte> destination) where T : unmanaged
    {
        MemoryMarshal.AsBytes(source).CopyTo(destination);
        SwapIfBigEndian(destination, Unsafe.SizeOf<T>());
    }

    /// <summary>Effectively computes <c>destination[i] = the little-endian value in source[i·s … i·s+s)</c>, s = sizeof(T).</summary>
    public static void FromBytes<T>(ReadOnlySpan<byte> source, Span<T> destination) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        source.CopyTo(bytes);
        SwapIfBigEndian(bytes, Unsafe.SizeOf<T>());
    }

    private static void SwapIfBigEndian(Span<byte> bytes, int elementSize)
    {
        if (BitConverter.IsLittleEndian)
        {
            return;
        }

        for (int start = 0; start < bytes.Length; start += elementSize)
        {
            bytes.Slice(start, elementSize).Reverse();
        }
    }
}
