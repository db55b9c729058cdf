using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Interop.Tests;

/// <summary>Random parameters and states, large enough that every gate leaves its linear region.</summary>
internal static class RandomModels
{
    public static void Fill<T>(CharModel<T> model, ulong seed) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random((int)seed);
        foreach (ModelTensor<T> tensor in model.Tensors)
        {
            Span<T> values = tensor.Values;
            for (int index = 0; index < values.Length; index++)
            {
                values[index] = T.CreateChecked(random.NextDouble() * 1.6 - 0.8);
            }
        }
    }

    public static void Fill(ModelState<float> state, Random random)
    {
        for (int layer = 0; layer < state.LayerCount; layer++)
        {
            Fill(state.Hidden(layer), random);
            Fill(state.Cell(layer), random);
        }
    }

    /// <summary>Every element from U(−1, 1).</summary>
    public static void Fill<T>(Span<T> values, Random random) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int index = 0; index < values.Length; index++)
        {
            values[index] = T.CreateChecked(random.NextDouble() * 2 - 1);
        }
    }
}
