using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Generation;

/// <summary>Scores a text under a model: log-probability, nats and bits per character, perplexity.</summary>
public static class TextScorer
{
    /// <summary>
    /// Reads <paramref name="text"/> as one stream from a zero state, in windows of <paramref name="windowLength"/>
    /// with the state carried, and sums the log-probability of every character after the first.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="vocabulary">The model's vocabulary.</param>
    /// <param name="text">The text; every character must be in the vocabulary.</param>
    /// <param name="windowLength">Characters per forward pass (memory, not the result, depends on it).</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentException">The vocabulary does not match the model, or the text holds an unknown character (named, with its position).</exception>
    public static TextScore Score(CharModel<float> model, Vocabulary vocabulary, string text, int windowLength = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(text);
        ThrowHelper.CheckVocabularySize(vocabulary.Count, model.VocabularySize, nameof(vocabulary));

        return Score(model, vocabulary.Encode(text), windowLength);
    }

    /// <summary>Scores an encoded text; see <see cref="Score(CharModel{float}, Vocabulary, string, int)"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="ids">(N): the text as ids.</param>
    /// <param name="windowLength">Characters per forward pass.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windowLength"/> is not positive.</exception>
    public static TextScore Score(CharModel<float> model, ReadOnlySpan<int> ids, int windowLength = 256) => Score<int>(model, ids, windowLength);

    /// <summary>Scores a corpus in its compact form (no 4-byte copy); see <see cref="Score(CharModel{float}, Vocabulary, string, int)"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="corpus">The text, encoded with the model's vocabulary.</param>
    /// <param name="windowLength">Characters per forward pass.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windowLength"/> is not positive.</exception>
    public static TextScore Score(CharModel<float> model, Corpus corpus, int windowLength = 256)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return corpus.BytesPerId switch
        {
            1 => Score(model, corpus.CompactIds<byte>().Span, windowLength),
            2 => Score(model, corpus.CompactIds<ushort>().Span, windowLength),
            _ => Score<int>(model, corpus.Ids, windowLength),
        };
    }

    /// <summary>
    /// Scores a corpus as <see cref="Score(CharModel{float}, Corpus, int)"/> does, but on the model's weight matrices
    /// rounded to bfloat16 (the view <see cref="SamplingOptions.BFloat16"/> samples from), one character at a time through
    /// the single-stream engine: how much the rounding costs in nats per character on a given text.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="corpus">The text, encoded with the model's vocabulary.</param>
    /// <returns>The score.</returns>
    public static TextScore ScoreBFloat16(CharModel<float> model, Corpus corpus)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        return corpus.BytesPerId switch
        {
            1 => ScoreOneAtATime(model, corpus.CompactIds<byte>().Span),
            2 => ScoreOneAtATime(model, corpus.CompactIds<ushort>().Span),
            _ => ScoreOneAtATime<int>(model, corpus.Ids),
        };
    }

    /// <summary>Every character after the first through the bfloat16 single-stream engine, from a zero state.</summary>
    private static TextScore ScoreOneAtATime<TId>(CharModel<float> model, ReadOnlySpan<TId> ids)
        where TId : unmanaged, System.Numerics.IBinaryInteger<TId>
    {
        var engine = new SingleStreamEngine(model.CreateInferenceView(), bfloat16: true);
        var logits = new float[model.VocabularySize];
        int[] target = new int[1];
        double logProbability = 0;
        for (int position = 0; position + 1 < ids.Length; position++)
        {
            int id = int.CreateTruncating(ids[position]);
            target[0] = int.CreateTruncating(ids[position + 1]);
            if ((uint)id >= (uint)model.VocabularySize || (uint)target[0] >= (uint)model.VocabularySize)
            {
                throw new ArgumentException($"The corpus holds an id outside [0, {model.VocabularySize}) at position {position}: it was not encoded with this model's vocabulary.", nameof(ids));
            }

            engine.Step(id, logits);
            logProbability -= SoftmaxLoss.Forward<float>(logits, target, logits);
        }

        return new TextScore(Math.Max(ids.Length - 1, 0), logProbability);
    }

    /// <summary>Scores a text held as compact ids (bytes or 16-bit ids, as a large <c>Corpus</c> keeps them), a window at a time.</summary>
    internal static TextScore Score<TId>(CharModel<float> model, ReadOnlySpan<TId> ids, int windowLength)
        where TId : unmanaged, System.Numerics.IBinaryInteger<TId>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowLength);
        // The model's own evaluation, through a view sized for this text (a window longer than the text buys nothing).
        var evaluator = new StreamEvaluator(model, Math.Min(windowLength, Math.Max(ids.Length, 1)));
        (long predicted, double logProbability) = evaluator.Score(ids);
        return new TextScore(predicted, logProbability);
    }
}
