namespace LstmSharp.Layers;

/// <summary>One named tensor inside a flat buffer: its PyTorch name, where it starts and its shape.</summary>
/// <param name="Name">The PyTorch name without the module prefix, for example <c>weight_ih_l0</c> or <c>weight</c>.</param>
/// <param name="Offset">The index of the first element in the flat buffer.</param>
/// <param name="Shape">The shape, row-major.</param>
internal sealed record TensorSpec(string Name, int Offset, IReadOnlyList<int> Shape)
{
    /// <summary>The number of elements.</summary>
    public int Count
    {
        get
        {
            int count = 1;
            foreach (int dimension in Shape)
            {
                count *= dimension;
            }

            return count;
        }
    }
}
