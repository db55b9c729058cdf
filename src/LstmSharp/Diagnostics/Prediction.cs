using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>One of a model's guesses for the next character.</summary>
/// <param name="Character">The character.</param>
/// <param name="Probability">Its probability under the model.</param>
public readonly record struct Prediction(Rune Character, double Probability);
