using System.Numerics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Connectivity: how much each earlier input character influences a prediction, measured as the squared L2 norm of the
/// gradient of the prediction (its loss, or the target's logit) with respect to each position's one-hot input.
/// </summary>
/// <remarks>
/// The model reads the window from a zero state, through its dense-input forward pass, and is differentiated back to the
/// input in one backward pass. The model's gradient buffers are saved and restored; its kept activations are replaced.
/// </remarks>
public static class Connectivity
{
    /// <summary>The connectivity of the prediction of <paramref name="target"/> after reading <paramref name="inputs"/>.</summary>
    /// <typeparam name="T">The model's element type.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="inputs">(N): the input ids, oldest first; the prediction is made at the last one.</param>
    /// <param name="target">The id of the character to predict.</param>
    /// <param name="measure">What to differentiate.</param>
    /// <returns>The map, one value per input position.</returns>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is empty, or an id is outside the vocabulary.</exception>
    public static ConnectivityMap Compute<T>(CharModel<T> model, ReadOnlySpan<int> inputs, int target, ConnectivityMeasure measure = ConnectivityMeasure.Loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (inputs.IsEmpty)
        {
            ThrowHelper.ThrowArgument("Connectivity needs at least one input character.", nameof(inputs));
        }

        int vocabularySize = model.VocabularySize, sequenceLength = inputs.Length;
        if ((uint)target >= (uint)vocabularySize)
        {
            ThrowHelper.ThrowArgument($"The target id {target} is outside [0, {vocabularySize}).", nameof(target));
        }

        ThrowHelper.CheckDefined(measure, "Unknown measure.");
        ThrowHelper.CheckIds(inputs, vocabularySize, "Input id", "position", nameof(inputs));
        var oneHot = new T[sequenceLength * vocabularySize];   // (N, 1, V)
        for (int position = 0; position < sequenceLength; position++)
        {
            oneHot[position * vocabularySize + inputs[position]] = T.One;
        }

        T[][] saved = [.. model.ParameterBuffers.Select(buffer => (T[])buffer.Gradients.Clone())];
        var dInputs = new T[oneHot.Length];   // (N, 1, V): dmeasure/d(one-hot input)
        double loss;
        try
        {
            var final = new ModelState<T>(model, 1);
            loss = double.CreateChecked(model.Forward(oneHot, [target], sequenceLength, 1, null, final, LossMode.LastStep));
            if (measure == ConnectivityMeasure.Loss)
            {
                model.Backward(null, dInputs);
            }
            else
            {
                BackwardFromLogit(model, target, sequenceLength, dInputs);
            }
        }
        finally
        {
            int index = 0;
            foreach ((T[] _, T[] gradients) in model.ParameterBuffers)
            {
                saved[index++].CopyTo(gradients, 0);
            }
        }

        var values = new double[sequenceLength];
        for (int position = 0; position < sequenceLength; position++)
        {
            double sumOfSquares = 0;
            foreach (T value in dInputs.AsSpan(position * vocabularySize, vocabularySize))
            {
                double entry = double.CreateChecked(value);
                sumOfSquares += entry * entry;
            }

            values[position] = sumOfSquares;
        }

        return new ConnectivityMap(inputs.ToArray(), target, measure, values, loss);
    }

    /// <summary>
    /// The connectivity of the prediction of <paramref name="ids"/>[<paramref name="position"/> + 1] from the
    /// <paramref name="length"/> characters ending at <paramref name="position"/>.
    /// </summary>
    /// <typeparam name="T">The model's element type.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="ids">The encoded text.</param>
    /// <param name="position">The input position whose prediction is measured; the target is the next character.</param>
    /// <param name="length">N: how many characters the model reads, ending at <paramref name="position"/>.</param>
    /// <param name="measure">What to differentiate.</param>
    /// <returns>The map over positions position − N + 1 … position.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The window does not fit in the text.</exception>
    public static ConnectivityMap Compute<T>(CharModel<T> model, ReadOnlySpan<int> ids, int position, int length,
        ConnectivityMeasure measure = ConnectivityMeasure.Loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(position, length - 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, ids.Length - 1);
        return Compute(model, ids.Slice(position - length + 1, length), ids[position + 1], measure);
    }

    /// <summary>Backward from dlogit_target = 1 at the last step: dL/dh_top(T) = row target of the head's weight.</summary>
    private static void BackwardFromLogit<T>(CharModel<T> model, int target, int sequenceLength, Span<T> dInputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hiddenSize = model.HiddenSize, width = sequenceLength * hiddenSize;
        var dOutput = new T[width];   // (N, 1, H): the gradient into the top layer's output
        model.Head.Weight.Slice(target * hiddenSize, hiddenSize).CopyTo(dOutput.AsSpan(width - hiddenSize));
        for (int layer = model.Layers.Count - 1; layer >= 0; layer--)
        {
            T[] dBelow = layer > 0 ? new T[width] : [];
            model.Layers[layer].Backward(dOutput, [], [], layer > 0 ? dBelow : dInputs, [], []);
            dOutput = dBelow;
        }
    }
}
