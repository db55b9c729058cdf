using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Key recall: a key (an upper-case letter), then <c>Distance − 1</c> noise characters (lower-case letters), then the
/// query marker <c>?</c>; the answer is the key. For example, at distance 6: <c>Cqwrtz?C</c>.
/// </summary>
public sealed class KeyRecallTask : LongRangeTask
{
    private const string Noise = "abcdefghijklmnopqrstuvwxyz";
    private readonly string _keys;
    private readonly string _noise;

    /// <summary>Creates the task.</summary>
    /// <param name="distance">Steps from the key to the query marker (the noise is one shorter).</param>
    /// <param name="keyCount">How many distinct keys (A, B, …), in [2, 26]; guessing scores 1 / keyCount.</param>
    /// <param name="noiseCount">How many distinct noise characters (a, b, …), in [1, 26].</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or the distance is out of range.</exception>
    public KeyRecallTask(int distance, int keyCount = 4, int noiseCount = 8)
        : base(distance, VocabularyOf(CheckedKeys(keyCount) + CheckedNoise(noiseCount) + "?"))
    {
        _keys = CheckedKeys(keyCount);
        _noise = CheckedNoise(noiseCount);
    }

    /// <inheritdoc/>
    public override int AnswerCount => _keys.Length;

    /// <summary>The query marker.</summary>
    public static char QueryMarker => '?';

    private protected override string GenerateText(SeededRandom random)
    {
        var builder = new StringBuilder(InputLength + 1);
        char key = _keys[random.NextInt(_keys.Length)];
        builder.Append(key);
        for (int position = 1; position < Distance; position++)
        {
            AppendRandom(builder, _noise, random);
        }

        return builder.Append(QueryMarker).Append(key).ToString();
    }

    private static string CheckedKeys(int keyCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyCount, 26);
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[..keyCount];
    }

    private static string CheckedNoise(int noiseCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(noiseCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(noiseCount, 26);
        return Noise[..noiseCount];
    }
}
