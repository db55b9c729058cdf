using System.Text;

namespace LstmSharp.Cli;

/// <summary>
/// Key recall: a key (an upper-case letter), then noise characters (lower-case letters), then the query marker
/// <c>?</c>; the answer is the key. For example, at distance 6: <c>Cqwrtz?C</c>.
/// </summary>
/// <remarks>
/// With a <c>minimumDistance</c> below <see cref="LongRangeTask.Distance"/>, each sample puts its key at a random
/// distance in [minimumDistance, Distance] before the marker, preceded by noise, so every sample keeps the length
/// <see cref="LongRangeTask.InputLength"/>: a natural curriculum, since the short distances teach a model to store the key
/// and the long ones test how long it keeps it. For example, <c>qwCrtz?C</c> has distance 4 in a window of 7.
/// </remarks>
internal sealed class KeyRecallTask : LongRangeTask
{
    private const string Noise = "abcdefghijklmnopqrstuvwxyz";
    private readonly string _keys;
    private readonly string _noise;
    private readonly int _minimumDistance;

    /// <summary>Creates the task.</summary>
    /// <param name="distance">Steps from the key to the query marker (the noise is one shorter).</param>
    /// <param name="keyCount">How many distinct keys (A, B, …), in [2, 26]; guessing scores 1 / keyCount.</param>
    /// <param name="noiseCount">How many distinct noise characters (a, b, …), in [1, 26].</param>
    /// <param name="minimumDistance">The shortest distance drawn, in [1, distance]; <see langword="null"/> (the default) for always <paramref name="distance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or a distance is out of range.</exception>
    public KeyRecallTask(int distance, int keyCount = 4, int noiseCount = 8, int? minimumDistance = null)
        : base(distance, VocabularyOf(CheckedKeys(keyCount) + CheckedNoise(noiseCount) + "?"))
    {
        _keys = CheckedKeys(keyCount);
        _noise = CheckedNoise(noiseCount);
        _minimumDistance = minimumDistance ?? distance;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_minimumDistance, nameof(minimumDistance));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_minimumDistance, distance, nameof(minimumDistance));
    }

    /// <summary>The shortest key-to-marker distance drawn.</summary>
    public int MinimumDistance => _minimumDistance;

    /// <inheritdoc/>
    public override int AnswerCount => _keys.Length;

    /// <summary>The query marker.</summary>
    public static char QueryMarker => '?';

    private protected override int GenerateText(SeededRandom random, StringBuilder builder)
    {
        int distance = _minimumDistance + random.NextInt(Distance - _minimumDistance + 1);
        int keyPosition = Distance - distance;
        char key = _keys[random.NextInt(_keys.Length)];
        for (int position = 0; position < InputLength - 1; position++)
        {
            if (position == keyPosition)
            {
                builder.Append(key);
            }
            else
            {
                AppendRandom(builder, _noise, random);
            }
        }

        builder.Append(QueryMarker).Append(key);
        return keyPosition;
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
