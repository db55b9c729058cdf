namespace LstmSharp.Diagnostics;

/// <summary>The loss on the characters of one class (lower-case letters, digits, brackets, …).</summary>
/// <param name="Class">The class's name.</param>
/// <param name="Count">How many predicted characters belong to it.</param>
/// <param name="MeanNats">Their mean −log p in nats.</param>
/// <param name="ShareOfLoss">Their share of the text's total loss, in [0, 1].</param>
public sealed record CharacterClassLoss(string Class, long Count, double MeanNats, double ShareOfLoss);
