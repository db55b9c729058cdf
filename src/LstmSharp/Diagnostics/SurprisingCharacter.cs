using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>A character the model found hard to predict.</summary>
public sealed class SurprisingCharacter
{
    internal SurprisingCharacter(int position, Rune character, double loss, string context, Prediction[] top)
    {
        Position = position;
        Character = character;
        Loss = loss;
        Context = context;
        Top = top;
    }

    /// <summary>Its position in the text (≥ 1: the first character is not predicted).</summary>
    public int Position { get; }

    /// <summary>The character.</summary>
    public Rune Character { get; }

    /// <summary>−log p(character) in nats.</summary>
    public double Loss { get; }

    /// <summary>Up to 20 characters before it.</summary>
    public string Context { get; }

    /// <summary>The model's most likely guesses at that point, best first.</summary>
    public IReadOnlyList<Prediction> Top { get; }
}
