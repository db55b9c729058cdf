using System.Text;
using LstmSharp.Text;

namespace LstmSharp.Cli;

/// <summary>
/// A synthetic task whose answer depends on one character a chosen distance back, so that how far a model's memory
/// reaches can be measured rather than guessed. Every sample has the same length, so samples batch without padding.
/// </summary>
internal abstract class LongRangeTask
{
    /// <summary>Sets the task's shape.</summary>
    /// <param name="distance">Steps from the key to the query; at least 1.</param>
    /// <param name="vocabulary">Every character the task uses.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="distance"/> is not positive.</exception>
    private protected LongRangeTask(int distance, Vocabulary vocabulary)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(distance);
        ArgumentNullException.ThrowIfNull(vocabulary);
        Distance = distance;
        Vocabulary = vocabulary;
    }

    /// <summary>Steps from the key position to the query position (the longest, for tasks that vary it).</summary>
    public int Distance { get; }

    /// <summary>Every character the task uses; build the model with <c>Vocabulary.Count</c> as V.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>T: the input length of every sample (the answer not counted).</summary>
    public int InputLength => Distance + 1;

    /// <summary>The number of distinct answers, so 1 / <see cref="AnswerCount"/> is the accuracy of guessing.</summary>
    public abstract int AnswerCount { get; }

    /// <summary>Draws one sample.</summary>
    /// <param name="random">The source of randomness; the same state gives the same sample.</param>
    /// <returns>The sample.</returns>
    public LongRangeSample Generate(SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var builder = new StringBuilder(InputLength + 1);
        int keyPosition = GenerateText(random, builder);
        string text = builder.ToString();
        return new LongRangeSample(text, Vocabulary.Encode(text), keyPosition, InputLength - 1);
    }

    /// <summary>Draws B samples into a time-major batch for a <see cref="Layers.LossMode.LastStep"/> window.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="inputs">(T, B): receives the input ids, T = <see cref="InputLength"/>.</param>
    /// <param name="targets">(B): receives the answers.</param>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    public void FillBatch(SeededRandom random, int batchSize, Span<int> inputs, Span<int> targets)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (inputs.Length != InputLength * batchSize || targets.Length != batchSize)
        {
            throw new ArgumentException($"A batch of {batchSize} needs {InputLength * batchSize} inputs and {batchSize} targets, not {inputs.Length} and {targets.Length}.",
                inputs.Length != InputLength * batchSize ? nameof(inputs) : nameof(targets));
        }
        for (int stream = 0; stream < batchSize; stream++)
        {
            LongRangeSample sample = Generate(random);
            for (int step = 0; step < InputLength; step++)
            {
                inputs[step * batchSize + stream] = sample.Ids[step];
            }

            targets[stream] = sample.TargetId;
        }
    }

    /// <summary>Appends the text of one sample: <see cref="InputLength"/> + 1 characters, the answer last.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <param name="builder">Receives the text.</param>
    /// <returns>The key position.</returns>
    private protected abstract int GenerateText(SeededRandom random, StringBuilder builder);

    /// <summary>A vocabulary of the given characters.</summary>
    private protected static Vocabulary VocabularyOf(string characters) =>
        Vocabulary.FromCharacters(characters.EnumerateRunes());

    /// <summary>Appends one random character of <paramref name="characters"/>.</summary>
    private protected static void AppendRandom(StringBuilder builder, string characters, SeededRandom random) =>
        builder.Append(characters[random.NextInt(characters.Length)]);
}
