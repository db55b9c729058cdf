// Compiled copies of the C# samples in docs/interop.md: DocSamplesTests checks that each one is identical to the markdown.
using System.Numerics.Tensors;
using LstmSharp.Interop;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using Microsoft.ML.OnnxRuntime;

namespace LstmSharp.Interop.Tests.DocSamples;

internal static class InteropSamples
{
    public static void Save(CharModel<float> model, Vocabulary vocabulary)
    {
        // sample: interop-save
        // model: a trained CharModel<float>; vocabulary: the Vocabulary it was trained with
        Checkpoint.Save("model.safetensors", model, vocabulary);
        // end sample
    }

    public static void Import()
    {
        // sample: interop-import
        Vocabulary vocabulary = Vocabulary.FromText(File.ReadAllText("input.txt"));   // the ids the PyTorch side used
        CharModel<float> model = PyTorchStateDict.Load<float>("from_torch.safetensors", vocabulary);
        CharModel<double> inDouble = PyTorchStateDict.Load<double>("from_torch.safetensors", vocabulary);
        CharModel<float> renamed = PyTorchStateDict.Load<float>("other.safetensors", vocabulary, recurrentPrefix: "lstm.", headPrefix: "fc.");
        Console.WriteLine($"{model.CellType}, {model.Layers.Count} layers, H = {model.HiddenSize}");
        // end sample
    }

    public static void ExportOnnx(CharModel<float> model, Vocabulary vocabulary)
    {
        // sample: interop-onnx-export
        // model: a trained CharModel<float>; vocabulary: its Vocabulary
        OnnxExporter.Export(model, vocabulary, "model.onnx");
        byte[] bytes = OnnxExporter.ToBytes(model);                   // the same model, in memory
        // end sample
    }

    public static void RunOnnx(int layerCount, int hiddenSize)
    {
        // sample: interop-onnx-run
        using var session = new InferenceSession("model.onnx");
        Vocabulary vocabulary = Vocabulary.FromJson(session.ModelMetadata.CustomMetadataMap[OnnxExporter.VocabularyMetadataKey]);
        long[] stateShape = [layerCount, 1, hiddenSize];              // (L, B, H), from the model you exported
        float[] hidden = new float[layerCount * hiddenSize], cell = new float[layerCount * hiddenSize];

        foreach (int id in vocabulary.Encode("hello"))
        {
            using var ids = OrtValue.CreateTensorValueFromMemory(new long[] { id }, [1, 1]);   // T = 1, B = 1
            using var h0 = OrtValue.CreateTensorValueFromMemory(hidden, stateShape);
            using var c0 = OrtValue.CreateTensorValueFromMemory(cell, stateShape);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions,
                [OnnxExporter.InputIdsName, OnnxExporter.InitialHiddenName, OnnxExporter.InitialCellName], [ids, h0, c0],
                [OnnxExporter.LogitsName, OnnxExporter.FinalHiddenName, OnnxExporter.FinalCellName]);
            ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();   // (1, 1, V): scores of the next character
            Console.WriteLine($"after '{vocabulary[id]}' the likeliest next is '{vocabulary[logits.IndexOf(TensorPrimitives.Max(logits))]}'");
            outputs[1].GetTensorDataAsSpan<float>().CopyTo(hidden);                  // hn becomes the next h0
            outputs[2].GetTensorDataAsSpan<float>().CopyTo(cell);                    // cn becomes the next c0
        }
        // end sample
    }
}
