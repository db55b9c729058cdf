using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>A character the model found hard to predict.</summary>
/// <param name="Position">Its position in the text (≥ 1: the first character is not predicted).</param>
/// <param name="Character">The character.</param>
/// <param name="Loss">−log p(character) in nats.</param>
/// <param name="Context">Up to 20 characters before it.</param>
/// <param name="Top">The model's most likely guesses at that point, best first.</param>
public sealed record SurprisingCharacter(int Position, Rune Character, double Loss, string Context, IReadOnlyList<Prediction> Top);
