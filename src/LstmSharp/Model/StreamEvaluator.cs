using System.Numerics;
using LstmSharp.Layers;

namespace LstmSharp.Model;

/// <summary>
/// The model's own evaluation of a text: read as one stream from a zero state, in windows with the state carried,
/// summing the log-probability of every character after the first. It owns one inference view of the model (the
/// model's parameters in place, its own activations), one state and one window buffer, so it can be kept and reused:
/// a trainer evaluates at every evaluation point through one evaluator, allocating nothing after the first, and never
/// touches the activations or gradients of the model it trains.
/// </summary>
internal sealed class StreamEvaluator
{
    private readonly CharModel<float> _view;
    private readonly ModelState<float> _state;
    private readonly int[] _window;   // one window's ids widened to int, plus the next window's first

    /// <summary>Creates an evaluator of <paramref name="model"/> reading windows of <paramref name="windowLength"/> characters.</summary>
    internal StreamEvaluator(CharModel<float> model, int windowLength)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowLength);
        _view = model.CreateInferenceView();
        _state = new ModelState<float>(_view, 1);
        _window = new int[windowLength + 1];
    }

    /// <summary>Characters per forward pass (memory, not the result, depends on it).</summary>
    internal int WindowLength => _window.Length - 1;

    /// <summary>Scores <paramref name="ids"/> (bytes, 16-bit or int ids, as a <c>Corpus</c> keeps them) from a zero state.</summary>
    /// <returns>The number of predicted characters and their total natural-log probability.</returns>
    internal (long Predicted, double LogProbability) Score<TId>(ReadOnlySpan<TId> ids)
        where TId : unmanaged, IBinaryInteger<TId>
    {
        _state.Clear();
        int windowLength = WindowLength;
        double logProbability = 0;
        long predicted = 0;
        for (int start = 0; start + 1 < ids.Length; start += windowLength)
        {
            int length = Math.Min(windowLength, ids.Length - 1 - start);
            for (int index = 0; index <= length; index++)
            {
                _window[index] = int.CreateTruncating(ids[start + index]);
            }

            float meanLoss = _view.Forward(_window.AsSpan(0, length), _window.AsSpan(1, length), length, 1, _state, _state, LossMode.EveryStep);
            logProbability -= (double)meanLoss * length;
            predicted += length;
        }

        return (predicted, logProbability);
    }
}
