using System.Numerics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Diagnostics;

/// <summary>One window to check gradients on: ids, targets, shape, loss mode and an optional initial state.</summary>
/// <param name="Inputs">(T, B): input ids.</param>
/// <param name="Targets">(T, B) for <see cref="LossMode.EveryStep"/>, (B) for <see cref="LossMode.LastStep"/>.</param>
/// <param name="SequenceLength">T.</param>
/// <param name="BatchSize">B.</param>
/// <param name="LossMode">Which steps carry loss.</param>
/// <param name="InitialHidden">Per layer, h_0 (B, H); <see langword="null"/> for zeros.</param>
/// <param name="InitialCell">Per layer, c_0 (B, H) for an LSTM; <see langword="null"/> for zeros.</param>
/// <param name="Dropout">Dropout between layers; its fixed seed makes every evaluation see the same mask.</param>
internal sealed record GradientCheckWindow(
    int[] Inputs,
    int[] Targets,
    int SequenceLength,
    int BatchSize,
    LossMode LossMode,
    double[][]? InitialHidden = null,
    double[][]? InitialCell = null,
    Dropout? Dropout = null)
{
    /// <summary>The initial state converted to the model's element type, or <see langword="null"/> when none was given.</summary>
    /// <typeparam name="T">The model's element type.</typeparam>
    /// <param name="model">The model to shape the state for.</param>
    /// <returns>The state.</returns>
    public ModelState<T>? CreateInitialState<T>(CharModel<T> model)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (InitialHidden is null && InitialCell is null)
        {
            return null;
        }

        var state = new ModelState<T>(model, BatchSize);
        for (int layer = 0; layer < state.Layers.Count; layer++)
        {
            Fill(InitialHidden?[layer], state.Layers[layer].Hidden);
            Fill(InitialCell?[layer], state.Layers[layer].Cell);
        }

        return state;
    }

    private static void Fill<T>(double[]? source, T[] destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source is null)
        {
            return;
        }

        ThrowHelper.CheckLength(source.Length, destination.Length, nameof(source));
        for (int index = 0; index < source.Length; index++)
        {
            destination[index] = T.CreateChecked(source[index]);
        }
    }
}
