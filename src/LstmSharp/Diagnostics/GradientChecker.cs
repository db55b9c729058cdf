using System.Numerics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Diagnostics;

/// <summary>
/// Checks a model's hand-derived gradients against finite differences of its loss, tensor by tensor: every
/// parameter tensor (PyTorch names), the one-hot input (<c>input</c>) and the initial states (<c>h0_l{k}</c>,
/// <c>c0_l{k}</c>). The numeric side always runs in <see cref="double"/>.
/// </summary>
/// <remarks>
/// The numeric derivative is the sixth-order central difference
/// <c>(f(x+3ε) − 9f(x+2ε) + 45f(x+ε) − 45f(x−ε) + 9f(x−2ε) − f(x−3ε)) / 60ε</c>. Its truncation error is O(ε⁶),
/// which lets ε be large enough (3e-3) that round-off, about 110·2⁻⁵³·|L| / 60ε ≈ 7e-14·|L|, stays small too; a
/// plain two-point difference cannot make both small at once in double.
/// </remarks>
public static class GradientChecker
{
    /// <summary>The analytic gradients of <paramref name="model"/> on <paramref name="window"/>, converted to double.</summary>
    /// <typeparam name="T">The model's element type.</typeparam>
    /// <param name="model">The model; its gradient buffers are zeroed and refilled.</param>
    /// <param name="window">The window and its initial state.</param>
    /// <returns>Each checked name with its gradient.</returns>
    public static IReadOnlyDictionary<string, double[]> Analytic<T>(CharModel<T> model, GradientCheckWindow window)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        ModelState<T>? initial = window.CreateInitialState(model);
        var final = new ModelState<T>(model, window.BatchSize);
        var dInitial = new ModelState<T>(model, window.BatchSize);
        var dInputs = new T[window.SequenceLength * window.BatchSize * model.VocabularySize];

        model.ZeroGradients();
        model.Forward(window.Inputs, window.Targets, window.SequenceLength, window.BatchSize, initial, final, window.LossMode, window.Dropout);
        model.Backward(null, dInputs, dInitial);

        var result = new Dictionary<string, double[]>();
        foreach (ModelTensor<T> tensor in model.Tensors)
        {
            result[tensor.Name] = ToDouble(tensor.Gradient);
        }

        result["input"] = ToDouble(dInputs);
        for (int layer = 0; layer < model.Layers.Count; layer++)
        {
            result[$"h0_l{layer}"] = ToDouble(dInitial.Layers[layer].Hidden);
            if (model.Layers[layer].Layout.HasCellState)
            {
                result[$"c0_l{layer}"] = ToDouble(dInitial.Layers[layer].Cell);
            }
        }

        return result;
    }

    /// <summary>The numeric gradients of <paramref name="model"/>'s loss on <paramref name="window"/> by sixth-order central differences.</summary>
    /// <param name="model">The model; its parameters are perturbed and restored.</param>
    /// <param name="window">The window and its initial state.</param>
    /// <param name="step">ε, the perturbation.</param>
    /// <returns>Each checked name with its gradient.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not positive.</exception>
    public static IReadOnlyDictionary<string, double[]> Numeric(CharModel<double> model, GradientCheckWindow window, double step = 3e-3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        int vocabularySize = model.VocabularySize;
        var oneHot = new double[window.SequenceLength * window.BatchSize * vocabularySize];
        for (int row = 0; row < window.Inputs.Length; row++)
        {
            oneHot[row * vocabularySize + window.Inputs[row]] = 1.0;
        }

        ModelState<double> initial = window.CreateInitialState(model) ?? new ModelState<double>(model, window.BatchSize);
        var final = new ModelState<double>(model, window.BatchSize);
        double Loss() => model.Forward(oneHot, window.Targets, window.SequenceLength, window.BatchSize, initial, final, window.LossMode, window.Dropout);

        var result = new Dictionary<string, double[]>();
        foreach (ModelTensor<double> tensor in model.Tensors)
        {
            result[tensor.Name] = Differentiate(tensor.ParameterBuffer, tensor.Offset, tensor.Count, Loss, step);
        }

        result["input"] = Differentiate(oneHot, 0, oneHot.Length, Loss, step);
        for (int layer = 0; layer < model.Layers.Count; layer++)
        {
            CellState<double> state = initial.Layers[layer];
            result[$"h0_l{layer}"] = Differentiate(state.Hidden, 0, state.Hidden.Length, Loss, step);
            if (state.Cell.Length > 0)
            {
                result[$"c0_l{layer}"] = Differentiate(state.Cell, 0, state.Cell.Length, Loss, step);
            }
        }

        return result;
    }

    /// <summary>
    /// The worst error per tensor between two gradient sets, measured as
    /// <c>|a − n| / max(|a|, |n|, <paramref name="floor"/>)</c>: relative where the gradient is larger than the
    /// floor, absolute (scaled by 1/floor) where both are tiny.
    /// </summary>
    /// <param name="analytic">The analytic gradients.</param>
    /// <param name="numeric">The numeric gradients, with the same names and lengths.</param>
    /// <param name="floor">The magnitude below which an error is measured against the floor instead.</param>
    /// <returns>One result per name, in the order of <paramref name="numeric"/>.</returns>
    /// <exception cref="ArgumentException">The two sets do not have the same names and lengths.</exception>
    public static IReadOnlyList<TensorGradientError> Compare(IReadOnlyDictionary<string, double[]> analytic,
        IReadOnlyDictionary<string, double[]> numeric, double floor)
    {
        ArgumentNullException.ThrowIfNull(analytic);
        ArgumentNullException.ThrowIfNull(numeric);
        var errors = new List<TensorGradientError>();
        foreach ((string name, double[] expected) in numeric)
        {
            if (!analytic.TryGetValue(name, out double[]? actual) || actual.Length != expected.Length)
            {
                ThrowHelper.ThrowArgument($"The analytic gradients lack '{name}' or have another length.", nameof(analytic));
            }

            var worst = new TensorGradientError(name, 0, -1, 0, 0);
            for (int index = 0; index < expected.Length; index++)
            {
                double error = Math.Abs(actual[index] - expected[index]) / Math.Max(floor, Math.Max(Math.Abs(actual[index]), Math.Abs(expected[index])));
                if (!(error <= worst.Error))
                {
                    worst = new TensorGradientError(name, error, index, actual[index], expected[index]);
                }
            }

            errors.Add(worst);
        }

        return errors;
    }

    private static double[] Differentiate(double[] buffer, int offset, int count, Func<double> loss, double step)
    {
        var gradient = new double[count];
        for (int index = 0; index < count; index++)
        {
            int position = offset + index;
            double original = buffer[position];
            double At(double shift)
            {
                buffer[position] = original + shift;
                return loss();
            }

            double plus3 = At(3 * step), plus2 = At(2 * step), plus1 = At(step);
            double minus1 = At(-step), minus2 = At(-2 * step), minus3 = At(-3 * step);
            buffer[position] = original;
            gradient[index] = (plus3 - 9 * plus2 + 45 * plus1 - 45 * minus1 + 9 * minus2 - minus3) / (60 * step);
        }

        return gradient;
    }

    private static double[] ToDouble<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int index = 0; index < values.Length; index++)
        {
            result[index] = double.CreateChecked(values[index]);
        }

        return result;
    }
}
