using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Bracket matching: an opening bracket of one of four kinds (<c>( [ { &lt;</c>), then <c>Distance − 1</c> characters of
/// letters and balanced inner bracket pairs (distractors, nested at most three deep), then the marker <c>|</c>; the answer
/// is the bracket that closes the first one. For example, at distance 9: <c>[ab(c)da|]</c>.
/// </summary>
public sealed class BracketMatchingTask : LongRangeTask
{
    private const string Opening = "([{<";
    private const string Closing = ")]}>";
    private const string Letters = "abcdefgh";
    private const int MaxDepth = 3;
    private readonly double _bracketRate;

    /// <summary>Creates the task.</summary>
    /// <param name="distance">Steps from the opening bracket to the marker.</param>
    /// <param name="bracketRate">The chance that a filler position opens an inner pair, in [0, 0.5].</param>
    /// <exception cref="ArgumentOutOfRangeException">The distance or the rate is out of range.</exception>
    public BracketMatchingTask(int distance, double bracketRate = 0.15)
        : base(distance, VocabularyOf(Opening + Closing + Letters + "|"))
    {
        if (!(bracketRate >= 0 && bracketRate <= 0.5))
        {
            ThrowHelper.ThrowOutOfRange(nameof(bracketRate), bracketRate, "The bracket rate must be in [0, 0.5].");
        }

        _bracketRate = bracketRate;
    }

    /// <inheritdoc/>
    public override int AnswerCount => Opening.Length;

    /// <summary>The marker after which the outer bracket is closed.</summary>
    public static char QueryMarker => '|';

    private protected override int GenerateText(SeededRandom random, StringBuilder builder)
    {
        int outer = random.NextInt(Opening.Length);
        builder.Append(Opening[outer]);
        var open = new Stack<int>();
        int fillerLength = Distance - 1;
        for (int position = 0; position < fillerLength; position++)
        {
            int remaining = fillerLength - position;
            if (open.Count > 0 && (remaining == open.Count || random.NextDouble() < _bracketRate))
            {
                builder.Append(Closing[open.Pop()]);
            }
            else if (open.Count < MaxDepth && remaining > open.Count + 1 && random.NextDouble() < _bracketRate)
            {
                int kind = random.NextInt(Opening.Length);
                open.Push(kind);
                builder.Append(Opening[kind]);
            }
            else
            {
                AppendRandom(builder, Letters, random);
            }
        }

        builder.Append(QueryMarker).Append(Closing[outer]);
        return 0;
    }
}
