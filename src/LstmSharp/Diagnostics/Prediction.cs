using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>One of a model's guesses for the next character.</summary>
public sealed class Prediction
{
    internal Prediction(Rune character, double probability)
    {
        Character = character;
        Probability = probability;
    }

    /// <summary>The character.</summary>
    public Rune Character { get; }

    /// <summary>Its probability under the model.</summary>
    public double Probability { get; }
}
