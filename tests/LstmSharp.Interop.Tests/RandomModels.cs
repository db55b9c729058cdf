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
        foreach (CellState<float> layer in state.Layers)
        {
            foreach (float[] buffer in new[] { layer.Hidden, layer.Cell })
            {
                for (int index = 0; index < buffer.Length; index++)
                {
                    buffer[index] = (float)(random.NextDouble() * 2 - 1);
                }
            }
        }
    }
}
