using System.Text;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Looks inside a trained model on a text, in one forward pass with a <see cref="IForwardObserver{T}"/> on every layer:
/// how often each gate unit saturates, which units track simple features of the text (quotes, brackets, position in
/// the line, indentation, line breaks), and how surprised the model is by each character.
/// </summary>
/// <remarks>
/// The text is read as one stream from a zero state, in windows with the state carried (as <see cref="Generation.TextScorer"/>
/// does), through an inference view: the model itself is not touched. Statistics stream over the whole text; only the
/// shown part (<c>shownLength</c> characters) keeps per-character values, so memory does not grow with the text.
/// </remarks>
public static class ModelExplainer
{
    private const int ContextLength = 20;
    private const int DefaultWindowLength = 256;

    /// <summary>Explains the model on an encoded text.</summary>
    /// <param name="model">The model.</param>
    /// <param name="vocabulary">The model's vocabulary.</param>
    /// <param name="ids">(N): the text as ids (<see cref="Vocabulary.Encode(string)"/>), N ≥ 2.</param>
    /// <param name="units">Units (layer, index) to show over the text in any case, besides the best unit for each feature; <see langword="null"/> for none.</param>
    /// <param name="shownStart">Where in the text the per-character views start (0-based).</param>
    /// <param name="shownLength">How many characters from <paramref name="shownStart"/> the per-character views show (the statistics cover the whole text).</param>
    /// <param name="topPredictions">How many guesses to keep per shown character.</param>
    /// <param name="worstCount">How many of the most surprising characters to list.</param>
    /// <param name="progress">Told the number of characters read after each window; <see langword="null"/> for none.</param>
    /// <returns>The numbers behind every view of the explain report.</returns>
    /// <exception cref="ArgumentException">The vocabulary does not match the model, the text is too short or holds an id out of range, the shown part starts past its end, or a chosen unit is outside the model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or <paramref name="worstCount"/> or <paramref name="shownStart"/> is negative.</exception>
    public static Explanation Explain(CharModel<float> model, Vocabulary vocabulary, ReadOnlySpan<int> ids, IReadOnlyList<(int Layer, int Index)>? units = null,
        int shownStart = 0, int shownLength = 2000, int topPredictions = 5, int worstCount = 20, IProgress<long>? progress = null) =>
        Explain(model, vocabulary, ids, units ?? [], shownStart, shownLength, topPredictions, worstCount, DefaultWindowLength, progress);

    /// <summary>As the public overload; <paramref name="windowLength"/> characters per forward pass (memory, not the result, depends on it).</summary>
    internal static Explanation Explain(CharModel<float> model, Vocabulary vocabulary, ReadOnlySpan<int> ids, IReadOnlyList<(int Layer, int Index)> units,
        int shownStart, int shownLength, int topPredictions, int worstCount, int windowLength, IProgress<long>? progress)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(units);
        ThrowHelper.CheckVocabularySize(vocabulary.Count, model.VocabularySize, nameof(vocabulary));

        ArgumentOutOfRangeException.ThrowIfNegative(shownStart);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shownLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topPredictions);
        ArgumentOutOfRangeException.ThrowIfNegative(worstCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowLength);
        if (ids.Length < 2)
        {
            ThrowHelper.ThrowArgument($"The text has {ids.Length} character(s); explaining needs at least two.", nameof(ids));
        }

        foreach ((int layer, int index) in units)
        {
            if ((uint)layer >= (uint)model.Layers.Count || (uint)index >= (uint)model.HiddenSize)
            {
                ThrowHelper.ThrowArgument(
                    $"Unit {layer}:{index} is outside the model ({model.Layers.Count} layer(s) of {model.HiddenSize} units: layer 0 … {model.Layers.Count - 1}, index 0 … {model.HiddenSize - 1}).",
                    nameof(units));
            }
        }

        if (shownStart >= ids.Length)
        {
            ThrowHelper.ThrowArgument($"The shown part starts at {shownStart}, past the text's {ids.Length} characters.", nameof(shownStart));
        }

        int length = ids.Length, shown = Math.Min(shownLength, length - shownStart), vocabularySize = model.VocabularySize;
        Rune[] characters = new Rune[length];
        ThrowHelper.CheckIds(ids, vocabularySize, "Id", "position", nameof(ids));
        for (int position = 0; position < length; position++)
        {
            characters[position] = vocabulary[ids[position]];
        }

        double[][] features = [.. TextFeatures.All.Select(feature => TextFeatures.Compute(feature, characters))];
        CharModel<float> view = model.CreateInferenceView();
        LayerRecorder[] recorders = [.. view.Layers.Select((layer, index) => new LayerRecorder(index, layer.Layout, shownStart, shown, features))];
        for (int layer = 0; layer < recorders.Length; layer++)
        {
            view.Layers[layer].ForwardObserver = recorders[layer];
        }

        var surprise = new SurpriseRecorder(vocabulary, characters, shownStart, shown, topPredictions, worstCount);
        var state = new ModelState<float>(view, 1);
        windowLength = Math.Min(windowLength, length);
        var logits = new float[windowLength * vocabularySize];
        for (int start = 0; start < length; start += windowLength)
        {
            int count = Math.Min(windowLength, length - start);
            foreach (LayerRecorder recorder in recorders)
            {
                recorder.WindowStart = start;
            }

            view.Predict(ids.Slice(start, count), count, 1, state, state, logits.AsSpan(0, count * vocabularySize));
            for (int row = 0; row < count && start + row + 1 < length; row++)
            {
                surprise.Add(start + row + 1, ids[start + row + 1], logits.AsSpan(row * vocabularySize, vocabularySize));
            }

            progress?.Report(start + count);
        }

        GateSaturation[] saturation = [.. recorders.SelectMany(recorder => recorder.Saturation(length))];
        FeatureRanking[] rankings = [.. TextFeatures.All.Select((feature, index) => Rank(feature, features[index], recorders))];
        return new Explanation(shownStart, characters[shownStart..(shownStart + shown)], saturation, rankings,
            Traces(units, rankings, recorders, model.CellType), surprise.ToAnalysis());
    }

    private static FeatureRanking Rank(TextFeature feature, double[] values, LayerRecorder[] recorders)
    {
        int featureIndex = (int)feature;
        double sum = 0, sumOfSquares = 0;
        foreach (double value in values)
        {
            sum += value;
            sumOfSquares += value * value;
        }

        double count = values.Length;
        double featureVariance = sumOfSquares - sum * sum / count;
        if (!(featureVariance > 1e-9 * count))
        {
            return new FeatureRanking(feature, []);
        }

        var correlations = new List<UnitCorrelation>();
        foreach (LayerRecorder recorder in recorders)
        {
            recorder.AddCorrelations(featureIndex, sum, featureVariance, correlations);
        }

        UnitCorrelation[] ranked = [.. correlations
            .OrderByDescending(entry => Math.Abs(entry.Correlation))
            .ThenBy(entry => entry.Layer).ThenBy(entry => entry.Index).ThenBy(entry => entry.Signal)];
        return new FeatureRanking(feature, ranked);
    }

    private static UnitTrace[] Traces(IReadOnlyList<(int Layer, int Index)> chosen, FeatureRanking[] rankings, LayerRecorder[] recorders, CellType cellType)
    {
        var picks = new List<(int Layer, int Index, UnitSignal Signal, List<string> Reasons)>();
        UnitSignal defaultSignal = cellType == CellType.Lstm ? UnitSignal.TanhCell : UnitSignal.Hidden;
        foreach ((int layer, int index) in chosen.Distinct())
        {
            picks.Add((layer, index, defaultSignal, ["chosen"]));
        }

        foreach (FeatureRanking ranking in rankings.Where(ranking => ranking.Units.Count > 0))
        {
            UnitCorrelation best = ranking.Units[0];
            string reason = FormattableString.Invariant($"best for {TextFeatureNames.Of(ranking.Feature)} (r = {best.Correlation:+0.000;−0.000})");
            int existing = picks.FindIndex(pick => pick.Layer == best.Layer && pick.Index == best.Index && pick.Signal == best.Signal);
            if (existing >= 0)
            {
                picks[existing].Reasons.Add(reason);
            }
            else
            {
                picks.Add((best.Layer, best.Index, best.Signal, [reason]));
            }
        }

        return [.. picks.Select(pick => new UnitTrace(pick.Layer, pick.Index, pick.Signal, string.Join("; ", pick.Reasons), recorders[pick.Layer].ShownValues(pick.Signal, pick.Index)))];
    }

    /// <summary>Streams one layer's activations: saturation counts, correlation sums, and the shown part's values.</summary>
    private sealed class LayerRecorder : IForwardObserver<float>
    {
        private readonly int _layer, _hiddenSize, _gateCount, _shownStart, _shown;
        private readonly CellType _cellType;
        private readonly string[] _gateNames;
        private readonly bool[] _tanhGate;
        private readonly long[] _left, _right;             // (G, H): steps below / above the thresholds
        private readonly UnitSignal[] _signals;
        private readonly double[][] _sum, _sumOfSquares;    // per signal (H)
        private readonly double[][][] _sumOfProducts;       // per signal, per feature (H)
        private readonly float[][] _shownValues;            // per signal (shown, H)
        private readonly double[][] _features;              // per feature (N)
        private readonly double[] _values;                  // (H) scratch: one signal of one step

        public LayerRecorder(int layer, CellLayout layout, int shownStart, int shown, double[][] features)
        {
            _layer = layer;
            _cellType = layout.CellType;
            _hiddenSize = layout.HiddenSize;
            _gateCount = layout.CellType == CellType.Rnn ? 0 : layout.GateCount;
            _gateNames = layout.CellType switch
            {
                CellType.Lstm => ["i", "f", "g", "o"],
                CellType.Gru => ["r", "z", "n"],
                _ => [],
            };
            _tanhGate = [.. _gateNames.Select(GateSaturation.IsTanh)];
            _left = new long[_gateCount * _hiddenSize];
            _right = new long[_gateCount * _hiddenSize];
            _signals = layout.HasCellState ? [UnitSignal.TanhCell, UnitSignal.Hidden] : [UnitSignal.Hidden];
            _sum = [.. _signals.Select(_ => new double[_hiddenSize])];
            _sumOfSquares = [.. _signals.Select(_ => new double[_hiddenSize])];
            _sumOfProducts = [.. _signals.Select(_ => features.Select(_ => new double[_hiddenSize]).ToArray())];
            _shownStart = shownStart;
            _shown = shown;
            _shownValues = [.. _signals.Select(_ => new float[shown * _hiddenSize])];
            _features = features;
            _values = new double[_hiddenSize];
        }

        /// <summary>The text position of the window's first step.</summary>
        public int WindowStart { get; set; }

        public void OnForwardStep(RecurrentCell<float> cell, int stepIndex, ReadOnlySpan<float> gates, ReadOnlySpan<float> cellState, ReadOnlySpan<float> hidden)
        {
            int position = WindowStart + stepIndex, hiddenSize = _hiddenSize;
            for (int gate = 0; gate < _gateCount; gate++)
            {
                float low = _tanhGate[gate] ? -0.8f : 0.1f, high = _tanhGate[gate] ? 0.8f : 0.9f;
                ReadOnlySpan<float> values = gates.Slice(gate * hiddenSize, hiddenSize);
                int offset = gate * hiddenSize;
                for (int unit = 0; unit < hiddenSize; unit++)
                {
                    if (values[unit] < low)
                    {
                        _left[offset + unit]++;
                    }
                    else if (values[unit] > high)
                    {
                        _right[offset + unit]++;
                    }
                }
            }

            for (int signal = 0; signal < _signals.Length; signal++)
            {
                bool tanhCell = _signals[signal] == UnitSignal.TanhCell;
                for (int unit = 0; unit < hiddenSize; unit++)
                {
                    _values[unit] = tanhCell ? Math.Tanh(cellState[unit]) : hidden[unit];
                }

                Accumulate(signal, position);
            }
        }

        private void Accumulate(int signal, int position)
        {
            double[] sum = _sum[signal], sumOfSquares = _sumOfSquares[signal], values = _values;
            for (int unit = 0; unit < values.Length; unit++)
            {
                sum[unit] += values[unit];
                sumOfSquares[unit] += values[unit] * values[unit];
            }

            for (int feature = 0; feature < _features.Length; feature++)
            {
                double featureValue = _features[feature][position];
                if (featureValue != 0)
                {
                    double[] products = _sumOfProducts[signal][feature];
                    for (int unit = 0; unit < values.Length; unit++)
                    {
                        products[unit] += values[unit] * featureValue;
                    }
                }
            }

            if ((uint)(position - _shownStart) < (uint)_shown)
            {
                Span<float> shown = _shownValues[signal].AsSpan((position - _shownStart) * values.Length, values.Length);
                for (int unit = 0; unit < values.Length; unit++)
                {
                    shown[unit] = (float)values[unit];
                }
            }
        }

        public IEnumerable<GateSaturation> Saturation(int steps)
        {
            for (int gate = 0; gate < _gateCount; gate++)
            {
                int offset = gate * _hiddenSize;
                double[] left = [.. _left.AsSpan(offset, _hiddenSize).ToArray().Select(count => (double)count / steps)];
                double[] right = [.. _right.AsSpan(offset, _hiddenSize).ToArray().Select(count => (double)count / steps)];
                yield return new GateSaturation(_layer, _gateNames[gate], left, right);
            }
        }

        /// <summary>Pearson's r of every unit and signal with one feature (given its sum and its N·variance).</summary>
        public void AddCorrelations(int feature, double featureSum, double featureVariance, List<UnitCorrelation> destination)
        {
            int steps = _features[feature].Length;
            for (int signal = 0; signal < _signals.Length; signal++)
            {
                for (int unit = 0; unit < _hiddenSize; unit++)
                {
                    double sum = _sum[signal][unit];
                    double variance = _sumOfSquares[signal][unit] - sum * sum / steps;
                    double covariance = _sumOfProducts[signal][feature][unit] - sum * featureSum / steps;
                    double correlation = variance > 1e-12 * steps ? Math.Clamp(covariance / Math.Sqrt(variance * featureVariance), -1, 1) : 0;
                    destination.Add(new UnitCorrelation(_layer, unit, _signals[signal], correlation));
                }
            }
        }

        public float[] ShownValues(UnitSignal signal, int unit)
        {
            int index = Array.IndexOf(_signals, signal);
            if (index < 0)
            {
                ThrowHelper.ThrowArgument($"A {_cellType} layer has no {signal} signal.", nameof(signal));
            }

            var values = new float[_shown];
            for (int position = 0; position < _shown; position++)
            {
                values[position] = _shownValues[index][position * _hiddenSize + unit];
            }

            return values;
        }
    }

    /// <summary>Streams −log p of every predicted character, its top guesses, the worst ones and the loss per class.</summary>
    private sealed class SurpriseRecorder(Vocabulary vocabulary, Rune[] characters, int shownStart, int shown, int topCount, int worstCount)
    {
        private readonly double[] _losses = CreateLosses(characters.Length);
        private readonly IReadOnlyList<Prediction>[] _top = [.. Enumerable.Repeat<IReadOnlyList<Prediction>>([], shown)];
        private readonly PriorityQueue<SurprisingCharacter, double> _worst = new();
        private readonly Dictionary<string, (long Count, double Sum)> _classes = [];
        private readonly int[] _topIds = new int[topCount];
        private readonly double[] _topLogits = new double[topCount];

        public void Add(int position, int target, ReadOnlySpan<float> logits)
        {
            // log p = logit − log Σ exp(logit), in double, shifted by the largest logit.
            double max = double.NegativeInfinity;
            foreach (float logit in logits)
            {
                max = Math.Max(max, logit);
            }

            double sumOfExponentials = 0;
            foreach (float logit in logits)
            {
                sumOfExponentials += Math.Exp(logit - max);
            }

            double logNormalizer = max + Math.Log(sumOfExponentials);
            double loss = logNormalizer - logits[target];
            _losses[position] = loss;

            string characterClass = ClassOf(characters[position]);
            (long count, double sum) = _classes.GetValueOrDefault(characterClass);
            _classes[characterClass] = (count + 1, sum + loss);

            bool keepWorst = worstCount > 0 && (_worst.Count < worstCount || loss > _worst.Peek().Loss);
            bool isShown = (uint)(position - shownStart) < (uint)shown;
            if (!isShown && !keepWorst)
            {
                return;
            }

            Prediction[] top = Top(logits, logNormalizer);
            if (isShown)
            {
                _top[position - shownStart] = top;
            }

            if (keepWorst)
            {
                int from = Math.Max(0, position - ContextLength);
                string context = string.Concat(characters[from..position].Select(character => character.ToString()));
                if (_worst.Count == worstCount)
                {
                    _worst.Dequeue();
                }

                _worst.Enqueue(new SurprisingCharacter(position, characters[position], loss, context, top), loss);
            }
        }

        public SurpriseAnalysis ToAnalysis()
        {
            double total = 0;
            for (int position = 1; position < _losses.Length; position++)
            {
                total += _losses[position];
            }

            SurprisingCharacter[] worst = [.. _worst.UnorderedItems.Select(item => item.Element).OrderByDescending(item => item.Loss).ThenBy(item => item.Position)];
            CharacterClassLoss[] classes = [.. _classes
                .Select(entry => new CharacterClassLoss(entry.Key, entry.Value.Count, entry.Value.Sum / entry.Value.Count, total > 0 ? entry.Value.Sum / total : 0))
                .OrderByDescending(entry => entry.ShareOfLoss).ThenBy(entry => entry.Class, StringComparer.Ordinal)];
            return new SurpriseAnalysis(_losses, total, _top, worst, classes);
        }

        private Prediction[] Top(ReadOnlySpan<float> logits, double logNormalizer)
        {
            // Insertion into a short sorted list: k ≪ V.
            int kept = 0, capacity = _topIds.Length;
            for (int id = 0; id < logits.Length; id++)
            {
                double logit = logits[id];
                int slot;
                if (kept < capacity)
                {
                    slot = kept++;
                }
                else if (logit > _topLogits[capacity - 1])
                {
                    slot = capacity - 1;
                }
                else
                {
                    continue;
                }

                for (; slot > 0 && _topLogits[slot - 1] < logit; slot--)
                {
                    _topIds[slot] = _topIds[slot - 1];
                    _topLogits[slot] = _topLogits[slot - 1];
                }

                _topIds[slot] = id;
                _topLogits[slot] = logit;
            }

            var top = new Prediction[kept];
            for (int index = 0; index < kept; index++)
            {
                top[index] = new Prediction(vocabulary[_topIds[index]], Math.Exp(_topLogits[index] - logNormalizer));
            }

            return top;
        }

        private static double[] CreateLosses(int length)
        {
            var losses = new double[length];
            losses[0] = double.NaN;
            return losses;
        }
    }

    /// <summary>The class a character's loss is summed under.</summary>
    internal static string ClassOf(Rune character) => character.Value switch
    {
        '\n' => "line break",
        ' ' => "space",
        '"' or '\'' or '`' => "quote",
        '(' or ')' or '[' or ']' or '{' or '}' or '<' or '>' => "bracket",
        _ when Rune.IsWhiteSpace(character) => "other whitespace",
        _ when Rune.IsDigit(character) => "digit",
        _ when Rune.IsLower(character) => "lower-case letter",
        _ when Rune.IsUpper(character) => "upper-case letter",
        _ when Rune.IsLetter(character) => "other letter",
        _ => "punctuation and symbols",
    };
}
