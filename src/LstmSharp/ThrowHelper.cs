using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace LstmSharp;

/// <summary>
/// Every argument check of the library, in TensorPrimitives' style: a public member validates its arguments once, at
/// its start, through a <c>Check…</c> method; the throw itself sits in a <see cref="DoesNotReturnAttribute"/> method, so
/// the checked code stays small and no loop holds a <c>throw</c>. Checks the BCL already has
/// (<see cref="ArgumentNullException.ThrowIfNull(object?, string?)"/>,
/// <see cref="ArgumentOutOfRangeException.ThrowIfNegative{T}(T, string?)"/>, …) are called directly.
/// The argument's name comes from <see cref="CallerArgumentExpressionAttribute"/> unless the checked value is derived
/// from it (a length, a count), when the caller names it.
/// </summary>
internal static class ThrowHelper
{
    // ---- Lengths and shapes -----------------------------------------------------------------------------------------

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="paramName"/> unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void CheckLength(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            ThrowLengthMismatch(paramName, expected, actual);
        }
    }

    [DoesNotReturn]
    public static void ThrowLengthMismatch(string paramName, int expected, int actual) =>
        throw new ArgumentException($"Expected a length of {expected} but got {actual}.", paramName);

    [DoesNotReturn]
    public static void ThrowShapeMismatch() =>
        throw new ArgumentException("The buffers are too short for the given matrix shape.");

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="paramName"/> at the first id outside
    /// [0, <paramref name="size"/>), with a message "<paramref name="what"/> {id} at <paramref name="where"/> {index} is outside [0, size)."
    /// </summary>
    /// <param name="ids">The ids to check.</param>
    /// <param name="size">The exclusive upper bound (a vocabulary or input size).</param>
    /// <param name="what">How the message names one id ("Input id", "Target").</param>
    /// <param name="where">How the message names its index ("position", "row").</param>
    /// <param name="paramName">The argument that holds <paramref name="ids"/>.</param>
    public static void CheckIds(ReadOnlySpan<int> ids, int size, string what, string where, string paramName)
    {
        for (int index = 0; index < ids.Length; index++)
        {
            if ((uint)ids[index] >= (uint)size)
            {
                ThrowIdOutOfRange(ids[index], index, size, what, where, paramName);
            }
        }
    }

    [DoesNotReturn]
    public static void ThrowIdOutOfRange(int id, int index, int size, string what, string where, string paramName) =>
        throw new ArgumentException($"{what} {id} at {where} {index} is outside [0, {size}).", paramName);

    /// <summary>
    /// The one vocabulary-size check: throws an <see cref="ArgumentException"/> naming <paramref name="paramName"/>
    /// unless a vocabulary of <paramref name="count"/> characters fits a model of <paramref name="modelVocabularySize"/> outputs.
    /// </summary>
    /// <param name="count">The vocabulary's character count.</param>
    /// <param name="modelVocabularySize">The model's V.</param>
    /// <param name="paramName">The argument that brings the vocabulary (a vocabulary, a corpus).</param>
    /// <param name="owner">How the message names what holds the characters ("vocabulary", "corpus").</param>
    public static void CheckVocabularySize(int count, int modelVocabularySize, string paramName, string owner = "vocabulary")
    {
        if (count != modelVocabularySize)
        {
            ThrowArgument($"The {owner} has {count} characters but the model expects {modelVocabularySize}.", paramName);
        }
    }

    // ---- Hyper-parameters (NaN fails every check) --------------------------------------------------------------------

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is finite and ≥ 0.</summary>
    public static void CheckNonNegative(double value, string message = "Must be finite and non-negative.", [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(paramName, value, message);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is finite and &gt; 0.</summary>
    public static void CheckPositive(double value, string message = "Must be finite and positive.", [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            ThrowOutOfRange(paramName, value, message);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless 0 ≤ <paramref name="value"/> &lt; 1.</summary>
    public static void CheckUnitIntervalHalfOpen(double value, string message = "Must lie in [0, 1).", [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0 && value < 1))
        {
            ThrowOutOfRange(paramName, value, message);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless 0 ≤ <paramref name="value"/> ≤ 1.</summary>
    public static void CheckUnitInterval(double value, string message = "Must lie in [0, 1].", [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            ThrowOutOfRange(paramName, value, message);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless 0 &lt; <paramref name="value"/> ≤ 1 (a factor that shrinks).</summary>
    public static void CheckFactor(double value, string message = "Must lie in (0, 1].", [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value > 0 && value <= 1))
        {
            ThrowOutOfRange(paramName, value, message);
        }
    }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is a named member of its enum.</summary>
    public static void CheckDefined<TEnum>(TEnum value, string message, [CallerArgumentExpression(nameof(value))] string? paramName = null)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            ThrowOutOfRange(paramName, value, message);
        }
    }

    // ---- Messages ---------------------------------------------------------------------------------------------------

    /// <summary>Describes a character for messages: <c>'é' (U+00E9)</c>, <c>'\n' (U+000A)</c>, or <c>U+200D</c> when invisible.</summary>
    public static string DescribeCharacter(int value)
    {
        string code = string.Create(CultureInfo.InvariantCulture, $"U+{value:X4}");
        if (!Rune.IsValid(value))
        {
            return code;
        }

        var rune = new Rune(value);
        string? escape = value switch
        {
            '\0' => "\\0",
            '\t' => "\\t",
            '\n' => "\\n",
            '\r' => "\\r",
            _ => null,
        };
        if (escape is not null)
        {
            return $"'{escape}' ({code})";
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned => code,
            _ => $"'{rune}' ({code})",
        };
    }

    // ---- The throws -------------------------------------------------------------------------------------------------

    [DoesNotReturn]
    public static void ThrowArgument(string message, string? paramName) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowOutOfRange(string? paramName, object? value, string message) =>
        throw new ArgumentOutOfRangeException(paramName, value, message);

    [DoesNotReturn]
    public static void ThrowNull(string? paramName, string message) =>
        throw new ArgumentNullException(paramName, message);

    /// <summary>For a switch expression's default arm: throws like <see cref="ThrowOutOfRange"/> and "returns" <typeparamref name="TResult"/>.</summary>
    [DoesNotReturn]
    public static TResult ThrowOutOfRange<TResult>(string? paramName, object? value, string message) =>
        throw new ArgumentOutOfRangeException(paramName, value, message);

    /// <summary>For a <c>??</c> or conditional expression: throws like <see cref="ThrowArgument"/> and "returns" <typeparamref name="TResult"/>.</summary>
    [DoesNotReturn]
    public static TResult ThrowArgument<TResult>(string message, string? paramName) =>
        throw new ArgumentException(message, paramName);

    /// <summary>For a <c>??</c> expression: throws like <see cref="ThrowNull"/> and "returns" <typeparamref name="TResult"/>.</summary>
    [DoesNotReturn]
    public static TResult ThrowNull<TResult>(string? paramName, string message) =>
        throw new ArgumentNullException(paramName, message);
}
