using LstmSharp.Layers;
using LstmSharp.Model;
using Microsoft.ML.OnnxRuntime;

namespace LstmSharp.Interop.Tests;

/// <summary>One run of an exported model in ONNX Runtime: ids and a <see cref="ModelState{T}"/> in, logits and stacked final states out.</summary>
internal sealed record OnnxRun(float[] Logits, float[] FinalHidden, float[]? FinalCell)
{
    public static OnnxRun Execute(InferenceSession session, CharModel<float> model, int[] ids, int sequenceLength, int batchSize, ModelState<float> initial)
    {
        long[] stateShape = [model.Layers.Count, batchSize, model.HiddenSize];
        bool hasCell = model.CellType == CellType.Lstm;
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids.Select(id => (long)id).ToArray(), [sequenceLength, batchSize]);
        using var h0 = OrtValue.CreateTensorValueFromMemory(Stack(initial, cell: false), stateShape);
        using OrtValue? c0 = hasCell ? OrtValue.CreateTensorValueFromMemory(Stack(initial, cell: true), stateShape) : null;

        List<string> inputNames = [OnnxExporter.InputIdsName, OnnxExporter.InitialHiddenName];
        List<OrtValue> inputs = [inputIds, h0];
        List<string> outputNames = [OnnxExporter.LogitsName, OnnxExporter.FinalHiddenName];
        if (c0 is not null)
        {
            inputNames.Add(OnnxExporter.InitialCellName);
            inputs.Add(c0);
            outputNames.Add(OnnxExporter.FinalCellName);
        }

        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputNames, inputs, outputNames);
        Assert.Equal([sequenceLength, batchSize, model.VocabularySize], outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal(stateShape, outputs[1].GetTensorTypeAndShape().Shape);
        return new OnnxRun(
            outputs[0].GetTensorDataAsSpan<float>().ToArray(),
            outputs[1].GetTensorDataAsSpan<float>().ToArray(),
            hasCell ? outputs[2].GetTensorDataAsSpan<float>().ToArray() : null);
    }

    /// <summary>Copies the stacked final states back into <paramref name="state"/>, layer by layer, to run the next step.</summary>
    public void CopyStateTo(ModelState<float> state)
    {
        int offset = 0;
        for (int layer = 0; layer < state.LayerCount; layer++)
        {
            Span<float> hidden = state.Hidden(layer), cell = state.Cell(layer);
            FinalHidden.AsSpan(offset, hidden.Length).CopyTo(hidden);
            FinalCell?.AsSpan(offset, cell.Length).CopyTo(cell);
            offset += hidden.Length;
        }
    }

    /// <summary>(L, B, H): every layer's h (or c), stacked as ONNX and PyTorch take h_0 (c_0).</summary>
    public static T[] Stack<T>(ModelState<T> state, bool cell) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var stacked = new List<T>();
        for (int layer = 0; layer < state.LayerCount; layer++)
        {
            stacked.AddRange(cell ? state.Cell(layer) : state.Hidden(layer));
        }

        return [.. stacked];
    }
}
