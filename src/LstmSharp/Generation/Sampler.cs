using System.Runtime.CompilerServices;
using System.Text;
using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Generation;

/// <summary>
/// Generates text one character at a time from a trained model. The sampler keeps the recurrent state, so each
/// character costs one step of the model (the prefix is never re-run) and memory does not grow with the length
/// generated.
/// </summary>
/// <remarks>
/// A sampler owns its state, its scratch buffers and an inference view of the model, so several samplers over one
/// trained model may run on different threads at once (each sampler itself serves one thread at a time). Training the
/// model while samplers read it is not safe.
/// </remarks>
public sealed class Sampler
{
    // Characters per prime window: a long prime runs as windows through the batched engine, which gives the bits of one
    // character at a time: at most 256 rows, so an upper layer's input product stays on Gemm's few-rows dot-product
    // chain (the tests compare a 700-character prime with one character at a time).
    private const int PrimeChunk = 256;

    private readonly CharModel<float> _model;
    private readonly Vocabulary _vocabulary;
    private readonly SamplingOptions _options;
    private readonly SeededRandom _random;
    private readonly ModelState<float> _state;
    private readonly float[] _logits;          // (V)
    private readonly float[] _probabilities;   // (V)
    private readonly int[] _order;             // (V): ids sorted by probability, for top-k / top-p
    private readonly SingleStreamEngine _engine;
    private int _lastId = -1;

    /// <summary>Creates a sampler with a zero state.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="vocabulary">The model's vocabulary.</param>
    /// <param name="options">How to pick characters; <see langword="null"/> for plain sampling at temperature 1.</param>
    /// <exception cref="ArgumentException">The vocabulary does not match the model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public Sampler(CharModel<float> model, Vocabulary vocabulary, SamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ThrowHelper.CheckVocabularySize(vocabulary.Count, model.VocabularySize, nameof(vocabulary));

        _options = options ?? new SamplingOptions();
        _options.Validate();
        _model = model.CreateInferenceView();   // own activations: samplers on one model may run on different threads
        _vocabulary = vocabulary;
        _random = new SeededRandom(_options.Seed);
        _state = new ModelState<float>(model, 1);
        _logits = new float[model.VocabularySize];
        _probabilities = new float[model.VocabularySize];
        _order = new int[model.VocabularySize];
        _engine = new SingleStreamEngine(_model, _options.BFloat16);
    }

    /// <summary>Feeds <paramref name="text"/> through the model, continuing from the current state.</summary>
    /// <param name="text">The prime text; every character must be in the vocabulary.</param>
    /// <exception cref="ArgumentException">The text holds characters the model does not know (all of them are named).</exception>
    public void Prime(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return;
        }

        ThrowIfUnknownCharacters(_vocabulary, text);

        // A chunk at a time, never splitting a surrogate pair: a prime of any length allocates nothing in proportion to it.
        Span<int> ids = stackalloc int[PrimeChunk];
        for (int start = 0; start < text.Length;)
        {
            int end = Math.Min(start + PrimeChunk, text.Length);
            if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
            {
                end--;
            }

            int count = _vocabulary.Encode(text.AsSpan(start, end - start), ids);
            PrimeWindow(ids[..count]);
            start = end;
        }
    }

    /// <summary>Returns to a zero state, as if nothing had been primed or generated.</summary>
    public void Reset()
    {
        _state.Clear();
        _engine.Load(_state);
        _lastId = -1;
    }

    /// <summary>Picks the next character id and advances the state past it.</summary>
    /// <returns>The id.</returns>
    /// <exception cref="InvalidOperationException">Nothing has been primed yet, so there is no distribution to sample.</exception>
    public int NextId()
    {
        if (_lastId < 0)
        {
            throw new InvalidOperationException("Prime the sampler with at least one character first.");
        }

        int id = Pick();
        Feed(id);
        return id;
    }

    /// <summary>Picks the next character and advances the state past it.</summary>
    /// <returns>The character as a string (two UTF-16 units for characters outside the BMP).</returns>
    public string Next() => _vocabulary[NextId()].ToString();

    /// <summary>Streams <paramref name="length"/> characters.</summary>
    /// <param name="length">How many characters.</param>
    /// <returns>The characters, one per item.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public IEnumerable<string> Generate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Stream(length);

        IEnumerable<string> Stream(int count)
        {
            for (int index = 0; index < count; index++)
            {
                yield return Next();
            }
        }
    }

    /// <summary>Streams <paramref name="length"/> characters asynchronously, yielding between characters.</summary>
    /// <param name="length">How many characters.</param>
    /// <param name="cancellationToken">Checked before every character.</param>
    /// <returns>The characters, one per item.</returns>
    public async IAsyncEnumerable<string> GenerateAsync(int length, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        for (int index = 0; index < length; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Next();
            await Task.Yield();
        }
    }

    private void Feed(int id)
    {
        _engine.Step(id, _logits);
        _lastId = id;
    }

    /// <summary>
    /// Feeds a run of prime characters: as one window through the batched engine (every step's chunks on persistent
    /// workers, no head but for the last step), which gives the bits of feeding them one at a time. The bfloat16 engine
    /// has no window form, so it feeds them one at a time.
    /// </summary>
    private void PrimeWindow(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
        {
            return;
        }

        if (ids.Length == 1 || _engine.IsBFloat16)
        {
            foreach (int id in ids)
            {
                Feed(id);
            }

            return;
        }

        _engine.Store(_state);
        _model.Advance(ids, ids.Length, 1, _state, _state);
        _engine.Load(_state);
        _engine.Logits(_logits);
        _lastId = ids[^1];
    }

    private int Pick()
    {
        ReadOnlySpan<float> logits = _logits;
        if (_options.Greedy)
        {
            return System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
        }

        // Max-shifted softmax of logits / temperature, in double for the cumulative sums.
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double inverseTemperature = 1.0 / _options.Temperature, sum = 0;
        for (int id = 0; id < logits.Length; id++)
        {
            float probability = (float)Math.Exp((logits[id] - max) * inverseTemperature);
            _probabilities[id] = probability;
            sum += probability;
        }

        int count = logits.Length;
        if (_options.TopK > 0 || _options.TopP < 1)
        {
            // Pop ids from a max-heap, most likely first, until the top-k or top-p nucleus is complete: only the kept
            // ids are ordered, and nothing is allocated.
            int limit = _options.TopK > 0 ? Math.Min(_options.TopK, count) : count;
            BuildHeap(count);
            int heapSize = count, kept = 0;
            double keptMass = 0;
            while (kept < limit && keptMass < _options.TopP * sum)
            {
                int id = PopHeap(ref heapSize);
                _order[count - 1 - kept] = id;   // popped ids collect at the end of the array, most likely last
                keptMass += _probabilities[id];
                kept++;
            }

            double target = _random.NextDouble() * keptMass;
            for (int rank = 0; rank < kept - 1; rank++)
            {
                int id = _order[count - 1 - rank];
                target -= _probabilities[id];
                if (target < 0)
                {
                    return id;
                }
            }

            return _order[count - kept];
        }

        double threshold = _random.NextDouble() * sum;
        for (int id = 0; id < count - 1; id++)
        {
            threshold -= _probabilities[id];
            if (threshold < 0)
            {
                return id;
            }
        }

        return count - 1;
    }

    private static void ThrowIfUnknownCharacters(Vocabulary vocabulary, string text)
    {
        if (vocabulary.UnknownId is not null)
        {
            return;
        }

        var unknown = new SortedSet<int>();
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (!vocabulary.Contains(rune))
            {
                unknown.Add(rune.Value);
            }
        }

        if (unknown.Count > 0)
        {
            ThrowHelper.ThrowArgument(
                $"The prime text holds {unknown.Count} character(s) the model does not know: {string.Join(", ", unknown.Select(ThrowHelper.DescribeCharacter))}.", nameof(text));
        }
    }

    private void BuildHeap(int count)
    {
        for (int id = 0; id < count; id++)
        {
            _order[id] = id;
        }

        for (int node = count / 2 - 1; node >= 0; node--)
        {
            SiftDown(node, count);
        }
    }

    private int PopHeap(ref int heapSize)
    {
        int top = _order[0];
        _order[0] = _order[--heapSize];
        SiftDown(0, heapSize);
        return top;
    }

    private void SiftDown(int node, int heapSize)
    {
        while (true)
        {
            int largest = node, left = 2 * node + 1, right = left + 1;
            if (left < heapSize && MoreLikely(_order[left], _order[largest]))
            {
                largest = left;
            }

            if (right < heapSize && MoreLikely(_order[right], _order[largest]))
            {
                largest = right;
            }

            if (largest == node)
            {
                return;
            }

            (_order[node], _order[largest]) = (_order[largest], _order[node]);
            node = largest;
        }
    }

    /// <summary>Higher probability first; ties go to the lower id, so the order is total and the result deterministic.</summary>
    private bool MoreLikely(int left, int right) =>
        _probabilities[left] > _probabilities[right] || (_probabilities[left] == _probabilities[right] && left < right);
}
