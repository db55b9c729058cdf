using System.Diagnostics.CodeAnalysis;

namespace LstmSharp;

/// <summary>Throw helpers kept out of hot loops, in TensorPrimitives' style.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowShapeMismatch() =>
        throw new ArgumentException("The buffers are too short for the given matrix shape.");

    [DoesNotReturn]
    public static void ThrowLengthMismatch(string paramName, int expected, int actual) =>
        throw new ArgumentException($"Expected a length of {expected} but got {actual}.", paramName);

    /// <summary>Validates a span length at a public boundary.</summary>
    public static void CheckLength(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            ThrowLengthMismatch(paramName, expected, actual);
        }
    }
}
