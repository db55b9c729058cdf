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
        using var h0 = OrtValue.CreateTensorValueFromMemory(initial.Layers.SelectMany(layer => layer.Hidden).ToArray(), stateShape);
        using OrtValue? c0 = hasCell ? OrtValue.CreateTensorValueFromMemory(initial.Layers.SelectMany(layer => layer.Cell).ToArray(), stateShape) : null;

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
        foreach (CellState<float> layer in state.Layers)
        {
            FinalHidden.AsSpan(offset, layer.Hidden.Length).CopyTo(layer.Hidden);
            FinalCell?.AsSpan(offset, layer.Cell.Length).CopyTo(layer.Cell);
            offset += layer.Hidden.Length;
        }
    }
}
