using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LstmSharp.Training;

/// <summary>Argument checks for hyper-parameters, thrown as <see cref="ArgumentOutOfRangeException"/> naming the argument.</summary>
internal static class Guard
{
    /// <summary>Throws unless <paramref name="value"/> is finite and at least zero (NaN fails).</summary>
    public static void NonNegative(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            ThrowOutOfRange(paramName, value, "Must be finite and non-negative.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and greater than zero (NaN fails).</summary>
    public static void Positive(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            ThrowOutOfRange(paramName, value, "Must be finite and positive.");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1 (NaN fails).</summary>
    public static void UnitIntervalHalfOpen(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0 && value < 1))
        {
            ThrowOutOfRange(paramName, value, "Must lie in [0, 1).");
        }
    }

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> ≤ 1 (NaN fails).</summary>
    public static void UnitInterval(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            ThrowOutOfRange(paramName, value, "Must lie in [0, 1].");
        }
    }

    /// <summary>Throws unless 0 &lt; <paramref name="value"/> ≤ 1 (NaN fails).</summary>
    public static void Factor(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value > 0 && value <= 1))
        {
            ThrowOutOfRange(paramName, value, "Must lie in (0, 1].");
        }
    }

    [DoesNotReturn]
    public static void ThrowOutOfRange(string? paramName, object? value, string message) =>
        throw new ArgumentOutOfRangeException(paramName, value, message);
}
