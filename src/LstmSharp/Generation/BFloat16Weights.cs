using LstmSharp.Kernels;
using LstmSharp.Model;

namespace LstmSharp.Generation;

/// <summary>
/// The weight matrices of a model (every layer's W_ih and W_hh, the head's W) rounded to bfloat16 when created, for
/// <see cref="SingleStreamEngine"/>: half the bytes per character, which is what a memory-bound B = 1 step at large H
/// pays for. Biases stay float and are read from the model. Each matrix lives in one pinned array, so the workers read
/// it through a pointer.
/// </summary>
internal sealed unsafe class BFloat16Weights
{
    private readonly ushort*[] _input;       // per layer (G·H, I)
    private readonly ushort*[] _recurrent;   // per layer (G·H, H)
    private readonly ushort* _head;          // (V, H)
    private readonly int[] _inputSizes;
    private readonly int _gateCount, _hiddenSize;
    private readonly CharModel<float> _model;
    private readonly ushort[][] _arrays;     // keeps the pinned arrays alive

    /// <summary>Rounds the weights of <paramref name="model"/>.</summary>
    public BFloat16Weights(CharModel<float> model)
    {
        _model = model;
        _gateCount = model.Layers[0].Layout.GateCount;
        _hiddenSize = model.HiddenSize;
        _inputSizes = [.. model.Layers.Select(layer => layer.InputSize)];
        var arrays = new List<ushort[]>();
        ushort* Rounded(ReadOnlySpan<float> weights)
        {
            ushort[] array = GC.AllocateUninitializedArray<ushort>(weights.Length, pinned: true);
            BFloat16.Round(weights, array);
            arrays.Add(array);
            fixed (ushort* pointer = array)
            {
                return pointer;   // pinned for the array's lifetime
            }
        }

        _input = new ushort*[model.Layers.Count];
        _recurrent = new ushort*[model.Layers.Count];
        for (int layer = 0; layer < model.Layers.Count; layer++)
        {
            _input[layer] = Rounded(model.Layers[layer].WeightIh);
            _recurrent[layer] = Rounded(model.Layers[layer].WeightHh);
        }

        _head = Rounded(model.Head.Weight);
        _arrays = [.. arrays];
    }

    /// <summary>The bytes the rounded matrices take (half of their float size).</summary>
    public long Bytes => _arrays.Sum(array => 2L * array.Length);

    /// <summary>W_ih[row, column] of layer <paramref name="layer"/>, widened: the one-hot gather.</summary>
    public float InputWeight(int layer, int row, int column) => BFloat16.Widen(_input[layer][(nint)row * _inputSizes[layer] + column]);

    /// <summary><c>gates[g·H + u] += Σ_p W_ih[g·H + u, p] · x[p]</c> for units [unitStart, unitEnd) of a layer above the first.</summary>
    public void ForwardInput(int layer, float* x, float* gates, int unitStart, int unitEnd) =>
        Forward(_input[layer], _inputSizes[layer], x, gates, unitStart, unitEnd);

    /// <summary><c>gates[g·H + u] += Σ_p W_hh[g·H + u, p] · h[p]</c> for units [unitStart, unitEnd).</summary>
    public void ForwardRecurrent(int layer, float* hidden, float* gates, int unitStart, int unitEnd) =>
        Forward(_recurrent[layer], _hiddenSize, hidden, gates, unitStart, unitEnd);

    /// <summary>logits = b + W·h, as <see cref="Layers.Linear{T}.Forward"/> computes it for one row.</summary>
    public void Head(ReadOnlySpan<float> hidden, Span<float> logits)
    {
        _model.Head.Bias.CopyTo(logits);
        fixed (float* h = hidden, y = logits)
        {
            BFloat16.DotRows(_head, _hiddenSize, h, 0, logits.Length, y);
        }
    }

    private void Forward(ushort* weights, int k, float* x, float* gates, int unitStart, int unitEnd)
    {
        for (int gate = 0; gate < _gateCount; gate++)
        {
            BFloat16.DotRows(weights, k, x, gate * _hiddenSize + unitStart, gate * _hiddenSize + unitEnd, gates);
        }
    }
}
