namespace LstmSharp.Cli;

/// <summary>
/// One example of a <see cref="LongRangeTask"/>: a text whose last character is determined by the character at
/// <see cref="KeyPosition"/>, far back. The model reads <c>Ids[..^1]</c> and is scored on predicting <c>Ids[^1]</c>.
/// </summary>
/// <param name="Text">The whole text, the answer included as its last character.</param>
/// <param name="Ids">(N + 1): the text encoded; positions 0 … N − 1 are the input and position N is the answer.</param>
/// <param name="KeyPosition">The input position that decides the answer.</param>
/// <param name="QueryPosition">The input position at which the answer is predicted (N − 1, the last input).</param>
internal sealed record LongRangeSample(string Text, int[] Ids, int KeyPosition, int QueryPosition)
{
    /// <summary>The id of the answer, <c>Ids[^1]</c>.</summary>
    public int TargetId => Ids[^1];

    /// <summary>The input ids, <c>Ids[..^1]</c>.</summary>
    public ReadOnlySpan<int> Inputs => Ids.AsSpan(0, Ids.Length - 1);

    /// <summary>How many steps separate the key from the query: <see cref="QueryPosition"/> − <see cref="KeyPosition"/>.</summary>
    public int Distance => QueryPosition - KeyPosition;
}
