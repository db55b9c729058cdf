// Compiled copies of the C# samples in docs/layers.md: DocSamplesTests checks that each one is identical to the markdown,
// and LayersSamplesTests runs them.
using System.Numerics.Tensors;
using LstmSharp.Layers;

namespace LstmSharp.Interop.Tests.DocSamples;

internal static class LayersSamples
{
    /// <summary>The sample, then the loss once more after its step: (loss before, loss after, the input gradient).</summary>
    public static (float Before, float After, float[] DInput) CellAlone()
    {
        // sample: layers-cell-alone
        const int T = 5, B = 2, I = 3, H = 8, Classes = 4;       // steps, streams, features in, hidden size, classes
        var lstm = new LstmCell<float>(I, H, seed: 1);            // nn.LSTM(I, H): PyTorch's U(−1/√H, 1/√H), seeded
        var head = new Linear<float>(H, Classes, seed: 2);        // nn.Linear(H, Classes)

        var x = new float[T * B * I];                             // (T, B, I), time-major
        for (int index = 0; index < x.Length; index++)
        {
            x[index] = MathF.Sin(index);
        }

        var output = new float[T * B * H];                        // (T, B, H): h_1 … h_T
        var hN = new float[B * H];                                // (B, H): h_T
        var cN = new float[B * H];                                // (B, H): c_T
        lstm.Forward(x, h0: [], c0: [], T, B, output, hN, cN);   // empty h0, c0: zeros, as PyTorch's None

        // Classify each stream from its final state h_T.
        int[] targets = [1, 3];
        var probabilities = new float[B * Classes];
        head.Forward(hN, B, probabilities);                       // logits, then in place the softmax
        float loss = SoftmaxLoss.Forward<float>(probabilities, targets, probabilities);

        // Backward, as autograd would run it: the loss, the head, then the cell with the gradient arriving at h_T.
        var dLogits = new float[B * Classes];
        SoftmaxLoss.Backward<float>(probabilities, targets, dLogits);
        var dhN = new float[B * H];
        head.Backward(hN, dLogits, B, dhN);                       // adds into head.Gradients
        var dOutput = new float[T * B * H];                       // no loss on h_1 … h_T themselves
        var dInput = new float[T * B * I];
        var dh0 = new float[B * H];
        var dc0 = new float[B * H];
        lstm.Backward(dOutput, dhN, dcN: [], dInput, dh0, dc0);  // adds into lstm.Gradients

        // One SGD step on the flat buffers (torch.optim.SGD), then clear the gradients for the next window.
        foreach ((float[] parameters, float[] gradients) in new[] { (lstm.Parameters, lstm.Gradients), (head.Parameters, head.Gradients) })
        {
            TensorPrimitives.MultiplyAdd(gradients, -0.5f, parameters, parameters);
            Array.Clear(gradients);
        }
        // end sample

        lstm.Forward(x, [], [], T, B, output, hN, cN);
        head.Forward(hN, B, probabilities);
        return (loss, SoftmaxLoss.Forward<float>(probabilities, targets, probabilities), dInput);
    }
}
