using System.Diagnostics.CodeAnalysis;

namespace LstmSharp;

/// <summary>
/// Overlap checks for the public span APIs, as TensorPrimitives makes them: a destination may be exactly a source
/// (same start, same length) where the operation reads that source before it writes, never partly over it; two
/// destinations never overlap. Each public entry checks once, before any work.
/// </summary>
internal static class SpanOverlap
{
    /// <summary>Rejects <paramref name="destination"/> partly over <paramref name="source"/>; exact reuse is allowed.</summary>
    public static void CheckSource<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> destination, string destinationName)
    {
        if (source.Overlaps(destination, out int offset) && (offset != 0 || source.Length != destination.Length))
        {
            ThrowPartialOverlap(destinationName);
        }
    }

    /// <summary><see cref="CheckSource"/> for up to three sources (pass <see langword="default"/> for a missing one).</summary>
    public static void CheckSources<T>(ReadOnlySpan<T> first, ReadOnlySpan<T> second, ReadOnlySpan<T> third, ReadOnlySpan<T> destination,
        string destinationName)
    {
        CheckSource(first, destination, destinationName);
        CheckSource(second, destination, destinationName);
        CheckSource(third, destination, destinationName);
    }

    /// <summary>Rejects any overlap, exact or partial, of <paramref name="destination"/> with <paramref name="source"/>: for operations that write before they have read everything.</summary>
    public static void CheckDisjoint<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> destination, string destinationName, string sourceName)
    {
        if (source.Overlaps(destination))
        {
            ThrowHelper.ThrowArgument($"{destinationName} must not overlap {sourceName}: it is written before {sourceName} has been read.", destinationName);
        }
    }

    /// <summary>Rejects any overlap of two destinations.</summary>
    public static void CheckDestinations<T>(ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName)
    {
        if (first.Overlaps(second))
        {
            ThrowHelper.ThrowArgument($"{secondName} must not overlap {firstName}: both are written.", secondName);
        }
    }

    [DoesNotReturn]
    private static void ThrowPartialOverlap(string destinationName) =>
        ThrowHelper.ThrowArgument(
            $"{destinationName} may overlap an input span only if both start at the same element and have the same length.", destinationName);
}
