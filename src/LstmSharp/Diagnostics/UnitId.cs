using System.Globalization;

namespace LstmSharp.Diagnostics;

/// <summary>One hidden unit of a model: its layer (0 = bottom) and its index in [0, H).</summary>
/// <param name="Layer">The layer, 0 for the one that reads the characters.</param>
/// <param name="Index">The unit's index within the layer.</param>
public readonly record struct UnitId(int Layer, int Index)
{
    /// <summary>Parses <c>layer:index</c>, for example <c>0:12</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The unit.</returns>
    /// <exception cref="FormatException">The text is not two non-negative integers separated by a colon.</exception>
    public static UnitId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int layer)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return new UnitId(layer, index);
        }

        throw new FormatException($"'{text}' is not a unit: write layer:index, for example 0:12.");
    }

    /// <summary><c>layer:index</c>, the form <see cref="Parse"/> reads.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Layer}:{Index}");
}
